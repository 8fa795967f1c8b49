#include "nmt/report/run_report.h"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <fstream>

#include "nmt/report/html_report.h"
#include "nmt/report/positional_table.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/report/run_report_model.h"
#include "nmt/training/run_dir.h"
#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt::report {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string now_local() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string base_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The sinusoid table the config describes, when it needs no weights.
void add_config_positional(ReportData& d, const RunReportOptions& o) {
  if (!d.config.is_object() || !d.config.contains("model")) return;
  const auto& m = d.config["model"];
  if (m.value("positional", std::string()) != "sinusoidal") return;
  const int64_t dims = m.value("d_model", int64_t{0});
  const double base = m.value("positional_base", 10000.0);
  const int64_t positions = std::min(o.positions, m.value("max_positions", o.positions));
  if (dims <= 0 || positions <= 0 || !(base > 1.0)) return;
  char note[160];
  std::snprintf(note, sizeof note,
                "Computed from the model's formula: PE(p, 2i) = sin(p / %g^(2i/%lld)), PE(p, 2i+1) "
                "= cos(...); "
                "first %lld positions.",
                base, static_cast<long long>(dims), static_cast<long long>(positions));
  d.positional = PositionalPicture{"sinusoidal", sinusoidal_table(positions, dims, base), note};
}

}  // namespace

ReportData collect_report_data(const std::string& run_dir, const RunReportOptions& o) {
  if (!is_dir(run_dir)) throw DataError(run_dir + ": not a run directory");
  ReportData d;
  d.run_dir = run_dir;
  d.title = base_name(run_dir);
  d.generated = now_local();

  const std::string config_path = run_dir + "/" + kConfigFile;
  if (is_file(config_path)) {
    std::ifstream in(config_path);
    try {
      d.config = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      d.notes.push_back(config_path + " is not valid JSON: " + e.what());
    }
  } else {
    d.notes.push_back("No config.json in the run directory.");
  }
  d.events = read_metrics_log(run_dir + "/" + kMetricsFile);
  if (d.events.empty()) d.notes.push_back("metrics.jsonl is missing or empty: no curves yet.");
  add_config_positional(d, o);

  // A checkpoint the user names must exist (resolve throws); the default may be missing.
  std::string checkpoint =
      o.checkpoint.empty() ? "" : resolve_model_paths(run_dir, o.checkpoint).model_file;
  if (checkpoint.empty())
    for (const char* name : {kBestCheckpoint, kLastCheckpoint})
      if (is_file(run_dir + "/" + kCheckpointsDir + "/" + name)) {
        checkpoint = run_dir + "/" + kCheckpointsDir + "/" + name;
        break;
      }
  if (!o.use_model) return d;
  if (checkpoint.empty()) {
    d.notes.push_back(
        "No checkpoint yet: parameter count, examples and learned encodings need one.");
    return d;
  }
  d.best_checkpoint = checkpoint;
  try {
    add_model_pictures(d, run_dir, checkpoint, o);
  } catch (const std::exception& e) {
    // A report must still show the curves when, say, a checkpoint is being replaced.
    d.notes.push_back("Could not use " + checkpoint + ": " + e.what());
    log::warn("report: could not use ", checkpoint, ": ", e.what());
  }
  return d;
}

std::string write_run_report(const std::string& run_dir, const RunReportOptions& options,
                             const std::string& out) {
  const std::string path = out.empty() ? run_dir + "/" + kReportFile : out;
  // Atomic, so a browser refreshing the report during training never sees half a file.
  atomic_write_bytes(path, html_report(collect_report_data(run_dir, options)));
  return path;
}

}  // namespace nmt::report
