// What the trainer tells the user while it runs: a live progress line on a terminal (step, epoch,
// loss, perplexity, learning rate, target tokens/s, ETA to the nearest limit), and every
// train.log_every steps a "train" record in metrics.jsonl plus a log line (on stderr only when
// there is no progress line; always in train.log):
//   {"event":"train","step":1200,"epoch":3,"loss":3.21,"ppl":24.8,"lr":0.0007,"grad_norm":0.8,
//    "tgt_tokens_per_s":5120.4,"elapsed_s":312.5}
// loss is the label-smoothed loss per target token and ppl = exp(cross-entropy per token), both
// over the updates since the previous record; tokens/s counts real (non-padding) target tokens
// over training time (validation and checkpoint writing excluded).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "nmt/config/config.h"
#include "nmt/training/training_state.h"
#include "nmt/training/run_log.h"

namespace nmt {

// One update's numbers, as the trainer measured them.
struct UpdateStats {
  double loss_sum = 0.0;   // summed label-smoothed loss
  double nll_sum = 0.0;    // summed cross-entropy
  int64_t tgt_tokens = 0;  // real target tokens
  double grad_norm = 0.0;  // before clipping
  double lr = 0.0;         // the learning rate used
};

class TrainProgress {
 public:
  TrainProgress(const TrainConfig& config, RunLog& log);

  // Counts one update (made at state.step) and redraws / logs as due.
  void add(const UpdateStats& update, const TrainingState& state);
  // Time not spent training (validation, checkpoints) is left out of rates and ETA.
  void exclude(double seconds);
  // Records that `epoch` ended after `batches` batches (makes the epoch limit's ETA known).
  void epoch_finished(int64_t epoch, int64_t batches);

  // "1h02m" to the nearest of max_steps / max_epochs / max_minutes, "" when none is known.
  std::string eta(const TrainingState& state) const;
  static std::string format_duration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  void emit(const TrainingState& state, double loss, double ppl, double tokens_per_s);

  const TrainConfig& config_;
  RunLog& log_;
  // The window since the last log record.
  double loss_sum_ = 0, nll_sum_ = 0, grad_norm_sum_ = 0;
  int64_t tokens_ = 0, updates_ = 0;
  double lr_ = 0;
  Clock::time_point window_start_ = Clock::now();
  double excluded_ = 0;
  // Smoothed speed, for the ETA and the live line.
  double seconds_per_step_ = 0, tokens_per_s_ = 0;
  Clock::time_point last_update_ = Clock::now();
  int64_t batches_per_epoch_ = 0;
};

}  // namespace nmt
