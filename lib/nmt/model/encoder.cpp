#include "nmt/model/encoder.h"

#include "nmt/model/attention_scores.h"

namespace nmt {

TransformerEncoderImpl::TransformerEncoderImpl(const ModelConfig& config)
    : LayerStack(config, config.encoder_layers) {}

torch::Tensor TransformerEncoderImpl::forward(const torch::Tensor& embedded,
                                              const torch::Tensor& pad_mask,
                                              std::vector<torch::Tensor>* weights) {
  auto x = layer_input(embedded, /*offset=*/0);  // [B, S, D]
  const auto bias = padding_bias(pad_mask);      // [B, 1, 1, S]
  for (auto& block : blocks_) {
    torch::Tensor w;
    x = block->forward(x, bias, weights ? &w : nullptr);
    if (weights) weights->push_back(w);
  }
  return stack_output(x);
}

}  // namespace nmt
