// The training loop: batches from a BatchSource, label-smoothed cross-entropy, gradient
// accumulation, clipping, Adam with a learning-rate schedule, optional bf16 autocast, periodic
// validation and checkpoints, and the stopping rules of the `train` config section.
//
// One update (step) = train.accumulate batches. Each batch's summed loss is divided by the target
// tokens of the whole update before backward, so the gradient is the per-token mean however the
// update is split (and would be across data-parallel workers). An update whose loss or gradient
// norm is not finite is skipped with a warning; train.nan_tolerance skipped updates in a row stop
// training with an error, leaving the last checkpoint as it was.
//
// Stops at whichever comes first: train.max_steps updates, train.max_epochs epochs,
// train.max_minutes of training time (summed over resumed runs), train.patience validations
// without improvement of train.early_stopping, or SIGINT/SIGTERM (the current update finishes,
// a checkpoint is saved, and the log says how to resume).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>

#include "nmt/config/config.h"
#include "nmt/corpus/batch.h"
#include "nmt/model/seq2seq.h"
#include "nmt/training/adam_optimizer.h"
#include "nmt/training/checkpoint.h"
#include "nmt/training/checkpoint_files.h"
#include "nmt/training/lr_schedule.h"
#include "nmt/training/run_log.h"
#include "nmt/training/validator.h"

namespace nmt {

enum class StopReason { max_steps, max_epochs, max_minutes, early_stopping, interrupted };
std::string to_string(StopReason reason);

struct TrainResult {
  StopReason reason = StopReason::max_steps;
  TrainingState state;            // at the end
  std::string last_checkpoint;    // RUN_DIR/checkpoints/last.pt
  double train_seconds = 0.0;     // this run's training time (validation included)
};

// Evaluates the model (Validator::run, or a stand-in in tests).
using ValidateFn = std::function<ValidationResult(const Seq2Seq& model)>;

class Trainer {
 public:
  // `model` is moved to config.train.device; the run directory must exist. Nothing is written
  // until train() runs.
  Trainer(Config config, std::string run_dir, Seq2Seq model, BatchSource& data);
  ~Trainer();

  // Continues from `checkpoint` (its model must be the one passed to the constructor): optimizer
  // state, step, data position, best score, patience counter and random generators.
  void resume(const Checkpoint& checkpoint);
  // Validation every train.valid_every steps and at the end; without it there is no best.pt and
  // no early stopping.
  void set_validation(ValidateFn validate);
  // Test hook: sees (and may replace) each batch's summed loss before backward.
  void set_loss_hook(std::function<void(int64_t step, torch::Tensor& loss)> hook);

  // Trains until a stopping rule fires. Throws std::runtime_error when training diverges (too
  // many non-finite losses in a row), CheckpointError when a checkpoint cannot be written.
  TrainResult train();

  const TrainingState& state() const { return state_; }
  const Seq2Seq& model() const { return model_; }
  const AdamOptimizer& optimizer() const { return *optimizer_; }
  torch::ScalarType precision() const { return precision_; }

 private:
  struct UpdateResult;
  UpdateResult update(std::vector<Batch>& batches);
  bool validate_and_maybe_stop();  // returns true when early stopping fires
  void save(bool best);

  Config config_;
  std::string run_dir_;
  Seq2Seq model_;
  BatchSource& data_;
  torch::Device device_;
  torch::ScalarType precision_;
  std::unique_ptr<AdamOptimizer> optimizer_;
  LrSchedule schedule_;
  CheckpointFiles checkpoints_;
  TrainingState state_;
  ValidateFn validate_;
  std::function<void(int64_t, torch::Tensor&)> loss_hook_;
  ProgressLine progress_;
  std::unique_ptr<RunLog> log_;
  int64_t saved_step_ = -1;      // step of the newest checkpoint written by this run
  int64_t validated_step_ = -1;  // step of the newest validation
};

}  // namespace nmt
