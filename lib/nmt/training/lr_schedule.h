// Learning-rate schedules: a pure function of the update number, so resuming needs only the step.
//
// With lr = train.lr, w = train.warmup_steps and s the 1-based number of the update being made:
//   warm-up (all schedules), s <= w:   lr * s / w
//   inverse_sqrt ("noam"), s > w:     lr * sqrt(w / s)
//   constant, s > w:                  lr
//   cosine, w < s <= max_steps:       min_lr + (lr - min_lr) * (1 + cos(pi * (s - w) / (max_steps -
//   w))) / 2 cosine, s > max_steps:            min_lr
// warmup_steps = 0 means no warm-up (inverse_sqrt then decays as lr / sqrt(s)).
#pragma once

#include <cstdint>
#include <string>

#include "nmt/config/config.h"

namespace nmt {

class LrSchedule {
 public:
  enum class Kind { inverse_sqrt, constant, cosine };

  // Reads train.schedule, lr, warmup_steps, min_lr, max_steps. Throws ConfigError for a cosine
  // schedule without max_steps, or with max_steps <= warmup_steps.
  explicit LrSchedule(const TrainConfig& config);
  LrSchedule(Kind kind, double lr, int64_t warmup_steps, double min_lr = 0.0,
             int64_t max_steps = 0);

  // The learning rate of update `step` (1-based; step 0 is treated as step 1).
  double at(int64_t step) const;

  Kind kind() const { return kind_; }
  // "inverse_sqrt(lr=0.0007, warmup=4000)".
  std::string describe() const;

 private:
  Kind kind_;
  double lr_;
  int64_t warmup_;
  double min_lr_;
  int64_t max_steps_;
};

}  // namespace nmt
