#include "nmt/training/checkpoint_files.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "nmt/decoding/model_dir.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt {
namespace fs = std::filesystem;

CheckpointFiles::CheckpointFiles(const std::string& run_dir, int64_t keep_last)
    : dir_((fs::path(run_dir) / kCheckpointsDir).string()), keep_last_(keep_last) {}

std::string CheckpointFiles::step_path(int64_t step) const {
  char name[48];
  std::snprintf(name, sizeof(name), "step-%07lld.pt", static_cast<long long>(step));
  return (fs::path(dir_) / name).string();
}

std::string CheckpointFiles::last_path() const {
  return (fs::path(dir_) / kLastCheckpoint).string();
}
std::string CheckpointFiles::best_path() const {
  return (fs::path(dir_) / kBestCheckpoint).string();
}

void CheckpointFiles::link_or_copy(const std::string& source, const std::string& target) {
  const std::string tmp = target + ".tmp";
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_hard_link(source, tmp, ec);
  if (ec) {  // e.g. a file system without hard links
    ec.clear();
    fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, ec);
  }
  if (!ec) fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp);
    throw CheckpointError("cannot make '" + target + "' from '" + source + "': " + ec.message());
  }
}

void CheckpointFiles::save(int64_t step, bool best,
                           const std::function<void(const std::string& path)>& write) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    throw CheckpointError("cannot create checkpoint directory '" + dir_ + "': " + ec.message());
  const std::string path = step_path(step);
  write(path);
  link_or_copy(path, last_path());
  if (best) link_or_copy(path, best_path());
  // Prune the oldest step files; the newest (this one) goes too when keep_last is 0.
  std::vector<int64_t> existing = steps();
  const auto keep = static_cast<size_t>(std::max<int64_t>(keep_last_, 0));
  for (size_t i = 0; i + keep < existing.size(); ++i) {
    fs::remove(step_path(existing[i]), ec);
    if (ec) log::warn("cannot remove old checkpoint ", step_path(existing[i]), ": ", ec.message());
  }
}

std::vector<int64_t> CheckpointFiles::steps() const {
  std::vector<int64_t> found;
  std::error_code ec;
  static const std::regex pattern("step-([0-9]+)\\.pt");
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, match, pattern)) found.push_back(std::stoll(match[1].str()));
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::optional<std::string> CheckpointFiles::latest() const {
  if (fs::exists(last_path())) return last_path();
  return std::nullopt;
}

}  // namespace nmt
