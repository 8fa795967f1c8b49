// An exponential moving average of the model's weights (Polyak averaging as in Marian's
// --exponential-smoothing and fairseq's --ema): after every update
//   ema = d * ema + (1 - d) * w,   d = min(decay, (1 + step) / (10 + step))
// where `step` counts updates from 1. The warm-up factor (TensorFlow's ExponentialMovingAverage
// with num_updates) lets the average forget the random initial weights within the first
// hundreds of updates instead of 1 / (1 - decay) of them. The average is kept in float32 on the
// weights' device; it is what validation scores and what checkpoints hold as their model, while
// training continues on the raw weights (checkpoint.h keeps both).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace nmt {

class WeightEma {
 public:
  // `parameters`: the weights to follow, each once (AdamOptimizer::parameters()); the average
  // starts equal to them.
  WeightEma(std::vector<torch::Tensor> parameters, double decay);

  // The decay applied at update `step` (1-based).
  static double decay_at(double decay, int64_t step);
  // Folds the current weights into the average after update `step`.
  void update(int64_t step);

  // Exchanges the weights and the average in place: after one swap the model computes with the
  // average and values() holds the raw weights; a second swap restores both.
  void swap();
  // Swaps for the lifetime of the guard.
  class Swapped {
   public:
    explicit Swapped(WeightEma& ema) : ema_(ema) { ema_.swap(); }
    ~Swapped() { ema_.swap(); }
    Swapped(const Swapped&) = delete;
    Swapped& operator=(const Swapped&) = delete;

   private:
    WeightEma& ema_;
  };

  double decay() const { return decay_; }
  // The average (or, while swapped, the raw weights), in parameter order.
  const std::vector<torch::Tensor>& values() const { return values_; }
  // Replaces the average; throws CheckpointError when the count or a shape does not match.
  void set_values(const std::vector<torch::Tensor>& values);

 private:
  std::vector<torch::Tensor> params_;
  std::vector<torch::Tensor> values_;
  double decay_;
};

}  // namespace nmt
