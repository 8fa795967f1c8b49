#include "nmt/model/encoder.h"
#include "nmt/model/dropout.h"

#include "nmt/model/attention_scores.h"

namespace nmt {

PositionalEncodingOptions positional_options(const ModelConfig& c) {
  return PositionalEncodingOptions{c.d_model, c.positional, c.positional_combine, c.positional_base, c.max_positions};
}

TransformerEncoderImpl::TransformerEncoderImpl(const ModelConfig& config) : dropout_(config.dropout) {
  const auto options = transformer_layer_options(config);
  positional = register_module("positional", PositionalEncoding(positional_options(config)));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.encoder_layers; ++i) {
    blocks_.emplace_back(options);
    layers->push_back(blocks_.back());
  }
  if (options.pre_norm)
    final_norm = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
}

torch::Tensor TransformerEncoderImpl::forward(const torch::Tensor& embedded, const torch::Tensor& pad_mask,
                                              std::vector<torch::Tensor>* weights) {
  auto x = positional(embedded, /*offset=*/0);  // [B, S, D]
  if (dropout_ > 0 && is_training()) x = nmt::dropout(x, dropout_, /*train=*/true);
  const auto bias = padding_bias(pad_mask);  // [B, 1, 1, S]
  for (auto& block : blocks_) {
    torch::Tensor w;
    x = block->forward(x, bias, weights ? &w : nullptr);
    if (weights) weights->push_back(w);
  }
  return final_norm ? layer_norm(final_norm, x) : x;
}

}  // namespace nmt
