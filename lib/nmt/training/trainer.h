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
//
// With train.ema > 0 an exponential moving average of the weights (weight_ema.h) follows every
// update; validations judge the average and checkpoints hold it as their model (best.pt is the
// best average), with the raw weights beside it for resuming.
//
// With train.threads 0 the intra-op thread count follows the cores other processes leave free
// (util/free_cores.h: re-checked every 5 s between updates, logged when it changes, restored at
// the end); a given train.threads, or a data-parallel rank, keeps its count.
//
// Data parallel (a DistributedContext given to the constructor): every rank runs its own Trainer
// on its shard of the batches, on its own device (cuda:LOCAL_RANK when train.device is "cuda").
// Each update the ranks sum their target tokens (the loss divisor), then their gradients and loss
// sums in a few bucketed all-reduces (gradient_sync.h), so all replicas take the same step; a
// non-finite loss on any rank skips the update everywhere. Stopping rules that depend on a local
// clock, signal or data are agreed (any rank stopping stops all). Only rank 0 validates, logs to
// the run directory and writes checkpoints; the others wait for it in a store barrier that
// tolerates long validations. At the end the ranks compare a checksum of their parameters.
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
#include "nmt/training/distributed.h"
#include "nmt/training/gradient_sync.h"
#include "nmt/training/lr_schedule.h"
#include "nmt/training/run_log.h"
#include "nmt/training/step_phases.h"
#include "nmt/training/validator.h"
#include "nmt/training/weight_ema.h"
#include "nmt/util/free_cores.h"

namespace nmt {

enum class StopReason { max_steps, max_epochs, max_minutes, early_stopping, interrupted };
std::string to_string(StopReason reason);

struct TrainResult {
  StopReason reason = StopReason::max_steps;
  TrainingState state;          // at the end
  std::string last_checkpoint;  // RUN_DIR/checkpoints/last.pt
  double train_seconds = 0.0;   // this run's training time (validation included)
};

// Evaluates the model (Validator::run, or a stand-in in tests).
using ValidateFn = std::function<ValidationResult(const Seq2Seq& model)>;

class Trainer {
 public:
  // `model` is moved to config.train.device; the run directory must exist. Nothing is written
  // until train() runs.
  // `distributed` makes this trainer rank distributed->rank() of a data-parallel job (see the top
  // of this file) and must outlive it; `data` must then yield this rank's shard, and the model
  // goes to distributed->model_device() (the context must be made with options.device =
  // config.train.device). Call set_validation on every rank (only rank 0 runs it). nullptr, or a
  // single-process context: training alone.
  Trainer(Config config, std::string run_dir, Seq2Seq model, BatchSource& data,
          DistributedContext* distributed = nullptr);
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
  // The weight average (train.ema > 0), else nullptr.
  const WeightEma* weight_ema() const { return ema_.get(); }
  // Where the model trains (validate it there too).
  const torch::Device& device() const { return device_; }
  torch::ScalarType precision() const { return precision_; }
  // Wall time per phase of the updates this trainer ran (bench_train's step breakdown).
  const StepPhases& phases() const { return phases_; }

 private:
  struct UpdateResult;
  struct Loop;  // what train() carries from update to update
  // The parts of train(), in the order it runs them.
  void log_start(int64_t first_step);
  void start_data_parallel();                  // equal replicas, per-rank dropout seeds
  bool limit_reached(Loop& loop);              // max_steps, max_minutes
  std::vector<Batch> next_update(Loop& loop);  // train.accumulate batches; epoch ends
  bool apply_update(std::vector<Batch>& batches, Loop& loop);  // false: skipped (not finite)
  void between_updates(Loop& loop);                            // signals, validation, checkpoints
  void follow_free_cores();       // train.threads 0: as many threads as cores are free
  bool validate_on_every_rank();  // rank 0's early-stopping verdict, on all
  void finish(Loop& loop, int64_t first_step);  // final validation and checkpoint
  TrainResult stop_report(const Loop& loop);
  UpdateResult update(std::vector<Batch>& batches);
  bool validate_and_maybe_stop();  // returns true when early stopping fires
  void save(bool best);
  // The ranks' verdict on a stopping rule that one rank may see before another: any rank's true
  // makes it true on all. The local value with one process.
  bool agree(bool local, const std::string& what);
  // Lets the other ranks wait (in a store barrier with a long timeout) while rank 0 validates or
  // writes checkpoints, so their next collective does not time out.
  void wait_for_primary(const std::string& what);
  bool distributed() const { return dist_ != nullptr && dist_->active(); }
  bool primary() const { return dist_ == nullptr || dist_->is_primary(); }

  Config config_;
  std::string run_dir_;
  Seq2Seq model_;
  BatchSource& data_;
  torch::Device device_;
  torch::ScalarType precision_;
  std::unique_ptr<AdamOptimizer> optimizer_;
  std::unique_ptr<WeightEma> ema_;  // train.ema > 0: validated and saved instead of the weights
  LrSchedule schedule_;
  CheckpointFiles checkpoints_;
  TrainingState state_;
  ValidateFn validate_;
  std::function<void(int64_t, torch::Tensor&)> loss_hook_;
  ProgressLine progress_;
  StepPhases phases_;
  std::unique_ptr<RunLog> log_;
  int64_t saved_step_ = -1;                  // step of the newest checkpoint written by this run
  int64_t validated_step_ = -1;              // step of the newest validation
  DistributedContext* dist_ = nullptr;       // the job this trainer is a rank of; nullptr = alone
  std::unique_ptr<GradientSync> sync_;       // made by train() when distributed
  std::unique_ptr<ThreadGovernor> threads_;  // made by train() when train.threads is 0
};

}  // namespace nmt
