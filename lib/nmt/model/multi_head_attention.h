// Multi-head attention (Vaswani et al. 2017): H heads of width d_k = D / H, each with its own
// query/key/value projection, scored by AttentionScores, concatenated and projected back to D.
//
// The per-head projections are stored fused, because one big matmul is far faster than several
// small ones: self-attention projects Q, K and V with one [D, 3D] Linear (`in_proj`), and
// cross-attention projects K and V of the encoder memory with one [D, 2D] Linear (`kv_proj`).
// Mathematically these are still separate projections: each [D, D] block is initialised (Xavier)
// and trained as its own matrix, and the columns of one block split into the H heads.
//
// Used two ways:
//   self-attention   keys/values come from the input itself; during step-by-step decoding each
//                    call appends the new position's keys/values to the cache tensors it is given.
//   cross-attention  keys/values come from the encoder memory, projected ONCE per source by
//                    memory_keys_values() and reused at every decoding step.
#pragma once

#include <torch/torch.h>

#include "nmt/model/linear.h"

#include <string>
#include <utility>

#include "nmt/model/attention_scores.h"

namespace nmt {

struct MultiHeadAttentionOptions {
  int64_t d_model = 512;               // D: input and output width
  int64_t heads = 8;                   // H: must divide d_model
  std::string scoring = "scaled_dot";  // see attention_scores.h
  double attention_dropout = 0.0;      // dropout on the attention weights
  bool self_attention = true;  // true: fused QKV (`in_proj`); false: `q_proj` + fused `kv_proj`
};

class MultiHeadAttentionImpl : public torch::nn::Module {
 public:
  explicit MultiHeadAttentionImpl(const MultiHeadAttentionOptions& options);

  // Self-attention: x [B, T, D], bias broadcastable to [B, H, T, T'] -> [B, T, D].
  // With cache tensors (cache_keys/cache_values non-null; undefined tensors at the first step),
  // the new positions' prepared keys and values [B, H, T, d_k] are appended to them along dim 2 and
  // the query attends over the whole cache (T' = cached + T). `weights` receives [B, H, T, T'].
  torch::Tensor self_attend(const torch::Tensor& x, const torch::Tensor& bias,
                            torch::Tensor* cache_keys = nullptr,
                            torch::Tensor* cache_values = nullptr,
                            torch::Tensor* weights = nullptr);

  // Cross-attention keys and values of memory [B, S, D]: {prepared keys, values}, each
  // [B, H, S, d_k], contiguous, to be reused by every call of cross_attend() for this source.
  std::pair<torch::Tensor, torch::Tensor> memory_keys_values(const torch::Tensor& memory);

  // Cross-attention: x [B, T, D] over precomputed keys/values, bias broadcastable to [B, H, T, S]
  // -> [B, T, D]. `weights` receives [B, H, T, S]. Keys/values (and bias) may also be grouped:
  // [n, H, S, d_k] with n dividing B, rows r of x attending over keys r / (B / n) (beam search's
  // K hypotheses of a sentence share one copy; see DecoderCache).
  // `step`: called by a decoding step (see AttentionScoresImpl::forward); self_attend knows it
  // from its cache.
  torch::Tensor cross_attend(const torch::Tensor& x, const torch::Tensor& keys,
                             const torch::Tensor& values, const torch::Tensor& bias,
                             torch::Tensor* weights = nullptr, bool step = false);

  const MultiHeadAttentionOptions& options() const { return options_; }

 private:
  // Attends split heads and merges them: q [B, H, T, d_k] -> [B, T, D] after the output projection.
  torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                       const torch::Tensor& bias, torch::Tensor* weights, bool step);

  MultiHeadAttentionOptions options_;
  int64_t head_dim_;
  nmt::Linear in_proj{nullptr};   // self-attention: [D] -> [3D] (Q | K | V)
  nmt::Linear q_proj{nullptr};    // cross-attention: [D] -> [D]
  nmt::Linear kv_proj{nullptr};   // cross-attention: [D] -> [2D] (K | V)
  nmt::Linear out_proj{nullptr};  // [D] -> [D]
  AttentionScores scorer{nullptr};
};
TORCH_MODULE(MultiHeadAttention);

}  // namespace nmt
