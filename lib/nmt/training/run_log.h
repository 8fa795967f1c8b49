// The records a training run leaves in its directory:
//   RUN_DIR/metrics.jsonl  one JSON object per event ({"event": "train"|"valid"|..., "step": ...}),
//                          appended and flushed line by line: a crash loses at most one line;
//   RUN_DIR/train.log      the human-readable messages, each prefixed with date and time.
// Messages also go to stderr (through nmt::log), erasing the live progress line first.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "nmt/util/log.h"
#include "nmt/util/progress_line.h"

namespace nmt {

class RunLog {
 public:
  // Opens (appending: a resumed run continues both files) RUN_DIR/metrics.jsonl and train.log.
  // Throws std::runtime_error naming the file when one cannot be opened. An empty run_dir writes
  // no files, only stderr: the data-parallel ranks other than 0, which share rank 0's run
  // directory.
  RunLog(const std::string& run_dir, ProgressLine& progress);

  // Appends one line to metrics.jsonl.
  void event(const nlohmann::json& record);

  void info(const std::string& message) { write(log::Level::info, message); }
  void warn(const std::string& message) { write(log::Level::warn, message); }
  void error(const std::string& message) { write(log::Level::error, message); }
  // train.log only (details not worth a terminal line).
  void file_only(const std::string& message);

  ProgressLine& progress() { return progress_; }

  // Rounds to 6 significant digits, so metrics.jsonl says 3.21538 rather than 3.2153812408447266.
  static double round6(double value);

 private:
  void write(log::Level level, const std::string& message);
  std::ofstream metrics_;
  std::ofstream log_;
  ProgressLine& progress_;
};

}  // namespace nmt
