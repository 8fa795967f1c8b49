// One transformer decoder block: causal self-attention, cross-attention over the encoder memory,
// feed-forward; each a residual sublayer with LayerNorm (pre- or post-norm, see encoder_layer.h).
#pragma once

#include <torch/torch.h>

#include <utility>

#include "nmt/model/encoder_layer.h"

namespace nmt {

// The tensors one decoder block reads and writes during step-by-step decoding.
struct DecoderLayerState {
  torch::Tensor* self_keys = nullptr;    // [B, H, t, d_k] grown by one position per step
  torch::Tensor* self_values = nullptr;  // [B, H, t, d_k]
};

class DecoderLayerImpl : public torch::nn::Module {
 public:
  explicit DecoderLayerImpl(const TransformerLayerOptions& options);

  // x [B, T, D]; self_bias broadcastable to [B, H, T, T'] (causal mask, or undefined when decoding
  // one step with a cache); cross keys/values from memory_keys_values(); cross_bias [B, 1, 1, S].
  // -> [B, T, D]. The weights pointers, when given, get [B, H, T, T'] and [B, H, T, S].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& self_bias,
                        const torch::Tensor& cross_keys, const torch::Tensor& cross_values,
                        const torch::Tensor& cross_bias, DecoderLayerState state = {},
                        torch::Tensor* self_weights = nullptr,
                        torch::Tensor* cross_weights = nullptr);

  // Cross-attention keys/values of memory [B, S, D], each [B, H, S, d_k]: computed once per source.
  std::pair<torch::Tensor, torch::Tensor> memory_keys_values(const torch::Tensor& memory) {
    return cross_attention->memory_keys_values(memory);
  }

 private:
  TransformerLayerOptions options_;
  MultiHeadAttention self_attention{nullptr};
  MultiHeadAttention cross_attention{nullptr};
  FeedForward feed_forward{nullptr};
  torch::nn::LayerNorm self_attention_norm{nullptr};
  torch::nn::LayerNorm cross_attention_norm{nullptr};
  torch::nn::LayerNorm feed_forward_norm{nullptr};
};
TORCH_MODULE(DecoderLayer);

}  // namespace nmt
