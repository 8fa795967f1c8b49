// The trainer's own progress: what a checkpoint records besides the model and the optimizer, so
// a resumed run continues counting, reading data, and judging validations where it left off.
#pragma once

#include <cstdint>
#include <limits>

#include "nmt/corpus/batch.h"

namespace nmt {

struct TrainingState {
  int64_t step = 0;              // optimizer updates done
  DataPosition data;             // where the training data continues
  int64_t tgt_tokens = 0;        // target tokens trained on so far (padding excluded)
  double elapsed_seconds = 0.0;  // training wall-clock time so far, over all runs (max_minutes)
  double best_score =
      std::numeric_limits<double>::quiet_NaN();  // best validation score (NaN: none yet)
  int64_t best_step = 0;                         // step of best_score
  int64_t bad_validations = 0;  // validations since best_score last improved (patience counter)
};

}  // namespace nmt
