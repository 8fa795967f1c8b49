// One transformer encoder block: self-attention then feed-forward, each wrapped in a residual
// connection with LayerNorm and dropout on the sublayer output.
//
//   pre-norm  (default)  x = x + drop(sublayer(norm(x)))   stable without warm-up tricks; the
//                                                          stack then needs a final norm
//   post-norm            x = norm(x + drop(sublayer(x)))   the original paper's arrangement
#pragma once

#include <torch/torch.h>

#include <string>

#include "nmt/config/config.h"
#include "nmt/model/feed_forward.h"
#include "nmt/model/multi_head_attention.h"

namespace nmt {

// Everything a transformer block (encoder or decoder) needs from ModelConfig.
struct TransformerLayerOptions {
  int64_t d_model = 512;               // D
  int64_t heads = 8;                   // H, divides D
  int64_t ff = 2048;                   // feed-forward inner width
  double dropout = 0.1;                // on sublayer outputs and feed-forward activations
  double attention_dropout = 0.0;      // on attention weights
  std::string scoring = "scaled_dot";  // attention scoring function
  std::string activation = "relu";     // relu | gelu
  bool pre_norm = true;                // pre-norm (true) or post-norm (false)
};
TransformerLayerOptions transformer_layer_options(const ModelConfig& config);

// norm(x) computed in the norm's parameter dtype: under autocast a bf16 sublayer output must not
// reach a float32 LayerNorm (CPU autocast leaves layer_norm alone, and it rejects mixed dtypes).
inline torch::Tensor layer_norm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  return norm(x.to(norm->weight.scalar_type()));
}

// x + dropout(y): the residual connection of every sublayer.
torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& y, double dropout,
                       bool training);

class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const TransformerLayerOptions& options);
  // x [B, S, D], bias [B, 1, 1, S] (source padding) -> [B, S, D]; `weights` gets [B, H, S, S].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias,
                        torch::Tensor* weights = nullptr);

 private:
  TransformerLayerOptions options_;
  MultiHeadAttention self_attention{nullptr};
  FeedForward feed_forward{nullptr};
  torch::nn::LayerNorm self_attention_norm{nullptr};
  torch::nn::LayerNorm feed_forward_norm{nullptr};
};
TORCH_MODULE(EncoderLayer);

}  // namespace nmt
