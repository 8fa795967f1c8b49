// Checkpoint averaging (Vaswani et al. 2017; `average_checkpoints.py` in fairseq, Marian's
// exponential smoothing done after the fact): the element-wise mean of the parameters of several
// checkpoints of one run usually translates better than any one of them.
#pragma once

#include <string>
#include <vector>

#include "nmt/model/model_file.h"

namespace nmt {

// Loads each model file or checkpoint in `paths` and returns a model whose every parameter and
// floating-point buffer is their mean (the config is the last file's). Throws CheckpointError
// when a file cannot be read or the models differ in architecture or vocabulary sizes, and
// ConfigError when `paths` is empty. Holds two models in memory at a time.
LoadedModel average_models(const std::vector<std::string>& paths);

// The newest `n` step checkpoints of a run (RUN_DIR/checkpoints/step-*.pt), oldest first.
// Throws ConfigError when the run has fewer than n (saying how many it has).
std::vector<std::string> last_step_checkpoints(const std::string& run_dir, int64_t n);

}  // namespace nmt
