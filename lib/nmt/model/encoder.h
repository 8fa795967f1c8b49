// The transformer encoder: positions combined with the (scaled) source embeddings, dropout, a stack
// of EncoderLayers and, with pre-norm, a final LayerNorm (layer_stack.h). The embedding table
// itself belongs to the model (it may be shared with the target side), so the encoder takes
// looked-up rows.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nmt/config/config.h"
#include "nmt/model/encoder_layer.h"
#include "nmt/model/layer_stack.h"

namespace nmt {

class TransformerEncoderImpl : public LayerStack<EncoderLayer> {
 public:
  explicit TransformerEncoderImpl(const ModelConfig& config);

  // embedded [B, S, D] (raw embedding rows), pad_mask [B, S] (true at padding) -> memory [B, S, D].
  // `weights`, when given, receives each layer's self-attention weights [B, H, S, S].
  torch::Tensor forward(const torch::Tensor& embedded, const torch::Tensor& pad_mask,
                        std::vector<torch::Tensor>* weights = nullptr);
};
TORCH_MODULE(TransformerEncoder);

}  // namespace nmt
