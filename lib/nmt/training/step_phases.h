// Where a training update's wall time goes, phase by phase, summed over the updates of a run:
// waiting for the batches, forward (under autocast), the loss, backward, the data-parallel
// gradient all-reduce, gradient norm and clipping, the Adam step and the weight average.
// Validation and checkpoints are not part of an update and are not counted.
//
// On the CPU every phase is synchronous, so the times are exact. On CUDA kernels run
// asynchronously: a phase's time is what the host spent in it, and the GPU's work shows up where
// the host next waits for it (the loss's item(), the gradient norm).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace nmt {

struct StepPhases {
  enum Phase { data, forward, loss, backward, sync, clip, optimizer, ema, count };
  static constexpr std::array<const char*, count> names{
      "data wait", "forward", "loss", "backward", "all-reduce", "grad norm+clip", "adam", "ema"};

  std::array<double, count> seconds{};
  int64_t updates = 0;

  double total() const {
    double sum = 0;
    for (double s : seconds) sum += s;
    return sum;
  }
  // The phases of the updates after `before` (an earlier copy of this one).
  StepPhases since(const StepPhases& before) const {
    StepPhases d;
    for (int i = 0; i < count; ++i) d.seconds[i] = seconds[i] - before.seconds[i];
    d.updates = updates - before.updates;
    return d;
  }
};

// Adds the time since the previous lap (or since construction) to a phase of `phases`.
class PhaseClock {
 public:
  explicit PhaseClock(StepPhases& phases) : phases_(phases), last_(Clock::now()) {}
  void lap(StepPhases::Phase phase) {
    const auto now = Clock::now();
    phases_.seconds[phase] += std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }

 private:
  using Clock = std::chrono::steady_clock;
  StepPhases& phases_;
  Clock::time_point last_;
};

}  // namespace nmt
