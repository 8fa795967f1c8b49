// The checkpoint files of a run directory:
//
//   RUN_DIR/checkpoints/step-0001000.pt   one per save, the newest train.keep_last kept
//   RUN_DIR/checkpoints/last.pt           the newest checkpoint (what --resume continues from)
//   RUN_DIR/checkpoints/best.pt           the checkpoint with the best validation score
//
// last.pt and best.pt are hard links to the step file they were made from (a copy where the file
// system has no hard links), swapped in with a rename, so each name always holds a whole
// checkpoint and pruning old step files never touches them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nmt {

class CheckpointFiles {
 public:
  // keep_last: step checkpoints kept besides last.pt and best.pt (0 = only those two).
  CheckpointFiles(const std::string& run_dir, int64_t keep_last);

  const std::string& directory() const { return dir_; }
  std::string step_path(int64_t step) const;  // DIR/step-0001000.pt (7 digits, more when needed)
  std::string last_path() const;
  std::string best_path() const;

  // Calls write(path) to write the checkpoint of `step` (write must be atomic, as
  // save_checkpoint is), then points last.pt (and best.pt when `best`) at it and prunes step
  // files beyond keep_last. Errors propagate; the previous files are then as they were.
  void save(int64_t step, bool best, const std::function<void(const std::string& path)>& write);

  // Steps of the step checkpoints present, ascending.
  std::vector<int64_t> steps() const;
  // last.pt when present.
  std::optional<std::string> latest() const;

 private:
  // Makes `target` a hard link to (or, failing that, a copy of) `source`, atomically.
  static void link_or_copy(const std::string& source, const std::string& target);
  std::string dir_;
  int64_t keep_last_;
};

}  // namespace nmt
