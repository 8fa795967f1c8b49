// What the transformer encoder and decoder share: positions combined with the (scaled) embeddings,
// dropout, a stack of layers (EncoderLayer or DecoderLayer) and, with pre-norm, a final LayerNorm.
// It registers `positional`, `layers` (layers.<i>) and `final_norm`, in this order: the parameter
// names and initialisation order of every model file written so far.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nmt/config/config.h"
#include "nmt/model/dropout.h"
#include "nmt/model/encoder_layer.h"
#include "nmt/model/positional_encoding.h"

namespace nmt {

// The positional-encoding options a transformer side needs from ModelConfig.
PositionalEncodingOptions positional_options(const ModelConfig& config);

template <typename Layer>
class LayerStack : public torch::nn::Module {
 protected:
  LayerStack(const ModelConfig& config, int64_t num_layers) : dropout_(config.dropout) {
    const auto options = transformer_layer_options(config);
    positional = register_module("positional", PositionalEncoding(positional_options(config)));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < num_layers; ++i) {
      blocks_.emplace_back(options);
      layers->push_back(blocks_.back());
    }
    if (options.pre_norm)
      final_norm = register_module(
          "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
  }

  // embedded [B, T, D] (raw embedding rows) at positions offset .. offset+T-1 -> the first
  // layer's input [B, T, D] (with dropout when training).
  torch::Tensor layer_input(const torch::Tensor& embedded, int64_t offset) {
    auto x = positional(embedded, offset);  // [B, T, D]
    if (dropout_ > 0 && is_training()) x = nmt::dropout(x, dropout_, /*train=*/true);
    return x;
  }

  // The last layer's output [B, T, D] -> the stack's output (final LayerNorm with pre-norm).
  torch::Tensor stack_output(const torch::Tensor& x) {
    return final_norm ? layer_norm(final_norm, x) : x;
  }

  double dropout_;
  PositionalEncoding positional{nullptr};
  torch::nn::ModuleList layers{nullptr};
  std::vector<Layer> blocks_;                // the entries of `layers`, typed
  torch::nn::LayerNorm final_norm{nullptr};  // pre-norm only
};

}  // namespace nmt
