#include "nmt/model/decoder.h"

#include "nmt/model/attention_scores.h"

namespace nmt {

TransformerDecoderImpl::TransformerDecoderImpl(const ModelConfig& config)
    : LayerStack(config, config.decoder_layers) {}

std::vector<std::pair<torch::Tensor, torch::Tensor>> TransformerDecoderImpl::memory_keys_values(
    const torch::Tensor& memory) {
  std::vector<std::pair<torch::Tensor, torch::Tensor>> kv;
  kv.reserve(blocks_.size());
  for (auto& block : blocks_) kv.push_back(block->memory_keys_values(memory));
  return kv;
}

torch::Tensor TransformerDecoderImpl::forward(const torch::Tensor& embedded,
                                              const torch::Tensor& memory,
                                              const torch::Tensor& src_bias,
                                              std::vector<torch::Tensor>* self_weights,
                                              std::vector<torch::Tensor>* cross_weights) {
  const auto bias = causal_bias(embedded.size(1), embedded.device());  // [1, 1, T, T]
  return run(embedded, /*offset=*/0, bias, memory_keys_values(memory), src_bias, {}, self_weights,
             cross_weights);
}

torch::Tensor TransformerDecoderImpl::run(
    const torch::Tensor& embedded, int64_t offset, const torch::Tensor& self_bias,
    const std::vector<std::pair<torch::Tensor, torch::Tensor>>& cross,
    const torch::Tensor& src_bias, const std::vector<DecoderLayerState>& states,
    std::vector<torch::Tensor>* self_weights, std::vector<torch::Tensor>* cross_weights) {
  TORCH_CHECK(cross.size() == blocks_.size(), "decoder: expected cross keys/values for ",
              blocks_.size(), " layers");
  TORCH_CHECK(states.empty() || states.size() == blocks_.size(),
              "decoder: cache has the wrong number of layers");
  auto x = layer_input(embedded, offset);  // [B, T, D]
  for (size_t i = 0; i < blocks_.size(); ++i) {
    torch::Tensor sw, cw;
    x = blocks_[i]->forward(x, self_bias, cross[i].first, cross[i].second, src_bias,
                            states.empty() ? DecoderLayerState{} : states[i],
                            self_weights ? &sw : nullptr, cross_weights ? &cw : nullptr);
    if (self_weights) self_weights->push_back(sw);
    if (cross_weights) cross_weights->push_back(cw);
  }
  return stack_output(x);
}

}  // namespace nmt
