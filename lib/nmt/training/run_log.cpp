#include "nmt/training/run_log.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>

#include "nmt/training/run_dir.h"

namespace nmt {
namespace {

std::ofstream open_append(const std::string& path) {
  std::ofstream out(path, std::ios::app);
  if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
  return out;
}

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

}  // namespace

RunLog::RunLog(const std::string& run_dir, ProgressLine& progress)
    : metrics_(run_dir.empty() ? std::ofstream() : open_append(run_dir + "/" + kMetricsFile)),
      log_(run_dir.empty() ? std::ofstream() : open_append(run_dir + "/" + kTrainLogFile)),
      progress_(progress) {}

void RunLog::event(const nlohmann::json& record) {
  metrics_ << record.dump() << '\n';
  metrics_.flush();
}

void RunLog::file_only(const std::string& message) {
  log_ << '[' << timestamp() << "] " << message << '\n';
  log_.flush();
}

void RunLog::write(log::Level level, const std::string& message) {
  const char* prefix = level == log::Level::warn    ? "warning: "
                       : level == log::Level::error ? "error: "
                                                    : "";
  file_only(prefix + message);
  if (level >= log::level() || level == log::Level::error) {
    progress_.clear();
    log::write(level, message);
  }
}

double RunLog::round6(double value) {
  if (!std::isfinite(value)) return value;
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return std::strtod(text, nullptr);
}

}  // namespace nmt
