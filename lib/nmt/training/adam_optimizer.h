// Adam (Kingma & Ba) with optional decoupled weight decay (AdamW, Loshchilov & Hutter), with
// the update fused into one pass over each parameter on CPU.
//
// LibTorch's torch::optim::Adam runs ~8 separate element-wise ops per parameter tensor, each a
// full read/write of a parameter-sized buffer; here each float32 CPU parameter is updated in one
// parallel loop that reads the gradient, both moments and the weight once and writes three of
// them back. Other devices and dtypes fall back to the same formula in tensor ops. The result
// matches torch::optim::Adam / AdamW (tests compare them step by step).
//
// The learning rate is passed to each step, so the schedule stays a pure function of the step.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace nmt {

struct AdamOptions {
  double beta1 = 0.9;         // decay of the first-moment average, [0, 1)
  double beta2 = 0.98;        // decay of the second-moment average, [0, 1)
  double eps = 1e-9;          // added to the denominator's square root
  double weight_decay = 0.0;  // decoupled: w -= lr * weight_decay * w before the Adam update
};

// The parameters an optimizer updates, in order: those requiring gradients, each once (a tensor
// listed twice, as tied embeddings may be, is kept at its first position).
std::vector<torch::Tensor> unique_trainable(const std::vector<torch::Tensor>& parameters);

class AdamOptimizer {
 public:
  // Parameters appearing more than once (tied embeddings) are updated once.
  AdamOptimizer(const std::vector<torch::Tensor>& parameters, AdamOptions options);

  // One update with learning rate `lr` from the parameters' current .grad(); parameters without
  // a gradient are left alone (as in torch::optim).
  void step(double lr);
  // Zeroes gradients in place (keeps their buffers, so backward accumulates without allocating).
  void zero_grad();

  // The global L2 norm of all gradients (NaN/Inf if any gradient is non-finite).
  double grad_norm() const;
  // Multiplies every gradient by `factor` (clipping, normalising by tokens).
  void scale_grads(double factor);
  // Scales gradients so their global norm is at most max_norm; returns the norm before clipping.
  double clip_grad_norm(double max_norm);

  const std::vector<torch::Tensor>& parameters() const { return params_; }
  const AdamOptions& options() const { return options_; }

  // State: per parameter (in construction order) the update count and both moments.
  void save(torch::serialize::OutputArchive& archive) const;
  // Throws CheckpointError when the saved state does not match these parameters.
  void load(torch::serialize::InputArchive& archive);

 private:
  struct State {
    int64_t steps = 0;
    torch::Tensor exp_avg;     // first moment, like the parameter
    torch::Tensor exp_avg_sq;  // second moment, like the parameter
  };
  void update(torch::Tensor& param, const torch::Tensor& grad, State& state, double lr);

  std::vector<torch::Tensor> params_;
  std::vector<State> state_;
  AdamOptions options_;
};

}  // namespace nmt
