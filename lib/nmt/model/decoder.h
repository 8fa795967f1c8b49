// The transformer decoder: positions combined with the (scaled) target embeddings, dropout, a
// stack of DecoderLayers and, with pre-norm, a final LayerNorm (layer_stack.h). It returns hidden
// states; the output projection to the vocabulary belongs to the model (it may be tied to the
// embedding).
//
// One code path serves both uses: teacher forcing (all T positions, causal mask, no cache) and
// step-by-step decoding (one position, self-attention keys/values appended to the cache, cross-
// attention keys/values computed once per source by memory_keys_values()).
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/model/decoder_layer.h"
#include "nmt/model/layer_stack.h"

namespace nmt {

class TransformerDecoderImpl : public LayerStack<DecoderLayer> {
 public:
  explicit TransformerDecoderImpl(const ModelConfig& config);

  // Teacher forcing: embedded [B, T, D] (raw embedding rows), memory [B, S, D], src_bias
  // [B, 1, 1, S] -> hidden [B, T, D]. The weights vectors, when given, receive per layer
  // [B, H, T, T] and [B, H, T, S].
  torch::Tensor forward(const torch::Tensor& embedded, const torch::Tensor& memory,
                        const torch::Tensor& src_bias,
                        std::vector<torch::Tensor>* self_weights = nullptr,
                        std::vector<torch::Tensor>* cross_weights = nullptr);

  // Per layer {prepared keys, values} of the cross-attention, each [B, H, S, d_k].
  std::vector<std::pair<torch::Tensor, torch::Tensor>> memory_keys_values(
      const torch::Tensor& memory);

  // The general pass: embedded [B, T, D] at positions offset .. offset+T-1, self_bias for the
  // self-attention (undefined = attend to everything cached), cross keys/values per layer,
  // per-layer cache states (empty = no cache) -> hidden [B, T, D].
  torch::Tensor run(const torch::Tensor& embedded, int64_t offset, const torch::Tensor& self_bias,
                    const std::vector<std::pair<torch::Tensor, torch::Tensor>>& cross,
                    const torch::Tensor& src_bias, const std::vector<DecoderLayerState>& states,
                    std::vector<torch::Tensor>* self_weights = nullptr,
                    std::vector<torch::Tensor>* cross_weights = nullptr);

  int64_t num_layers() const { return static_cast<int64_t>(blocks_.size()); }
};
TORCH_MODULE(TransformerDecoder);

}  // namespace nmt
