// The position-wise feed-forward sublayer: Linear(D -> ff), nonlinearity, dropout, Linear(ff -> D),
// applied to every position independently.
#pragma once

#include <torch/torch.h>

#include "nmt/model/linear.h"

#include <string>

namespace nmt {

// The nonlinearity, parsed from its config name (relu | gelu) once at construction.
enum class Activation { kRelu, kGelu };

// Throws ConfigError unless `activation` is relu or gelu.
Activation parse_activation(const std::string& activation);

struct FeedForwardOptions {
  int64_t d_model = 512;            // D: input and output width
  int64_t ff = 2048;                // inner width
  std::string activation = "relu";  // relu | gelu (exact, erf-based)
  double dropout = 0.1;             // dropout on the inner activations (training only)
};

class FeedForwardImpl : public torch::nn::Module {
 public:
  explicit FeedForwardImpl(const FeedForwardOptions& options);
  // x [B, T, D] -> [B, T, D]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  FeedForwardOptions options_;
  Activation activation_;          // options_.activation, parsed once
  nmt::Linear fc1{nullptr};  // [D] -> [ff]
  nmt::Linear fc2{nullptr};  // [ff] -> [D]
};
TORCH_MODULE(FeedForward);

}  // namespace nmt
