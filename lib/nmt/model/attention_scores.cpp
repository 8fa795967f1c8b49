#include "nmt/model/attention_scores.h"

#include "nmt/model/step_attention.h"
#include "nmt/model/batched_matmul.h"
#include "nmt/model/dropout.h"

#include <cmath>

#include "nmt/util/error.h"

namespace nmt {

torch::Tensor padding_bias(const torch::Tensor& pad_mask) {
  auto bias = torch::zeros(pad_mask.sizes(),
                           torch::TensorOptions().dtype(torch::kFloat).device(pad_mask.device()));
  bias.masked_fill_(pad_mask, kMaskedScore);
  return bias.view({pad_mask.size(0), 1, 1, pad_mask.size(1)});  // [B, 1, 1, S]
}

torch::Tensor causal_bias(int64_t length, const torch::Device& device) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat).device(device);
  auto bias = torch::full({length, length}, kMaskedScore, opts).triu(/*diagonal=*/1);
  return bias.view({1, 1, length, length});  // [1, 1, T, T]
}

AttentionKind parse_attention_kind(const std::string& kind) {
  if (kind == "scaled_dot") return AttentionKind::kScaledDot;
  if (kind == "dot") return AttentionKind::kDot;
  if (kind == "general") return AttentionKind::kGeneral;
  if (kind == "additive") return AttentionKind::kAdditive;
  throw ConfigError("config key 'model.attention': unknown scoring function '" + kind +
                    "' (expected scaled_dot, dot, general or additive)");
}

namespace {

// One Xavier-uniform [d, d] matrix per head.
torch::Tensor per_head_matrix(int64_t heads, int64_t dim) {
  auto w = torch::empty({heads, dim, dim});
  for (int64_t h = 0; h < heads; ++h) torch::nn::init::xavier_uniform_(w[h]);
  return w;
}

}  // namespace

AttentionScoresImpl::AttentionScoresImpl(const AttentionScoresOptions& options)
    : options_(options), kind_(parse_attention_kind(options.kind)) {
  TORCH_CHECK(options_.heads > 0 && options_.head_dim > 0,
              "attention: heads and head_dim must be positive");
  const auto h = options_.heads, d = options_.head_dim;
  if (kind_ == AttentionKind::kGeneral) {
    weight_ = register_parameter("weight", per_head_matrix(h, d));
  } else if (kind_ == AttentionKind::kAdditive) {
    query_weight_ = register_parameter("query_weight", per_head_matrix(h, d));
    key_weight_ = register_parameter("key_weight", per_head_matrix(h, d));
    const double bound = 1.0 / std::sqrt(static_cast<double>(d));
    vector_ = register_parameter("vector", torch::empty({h, d}).uniform_(-bound, bound));
  }
}

torch::Tensor AttentionScoresImpl::prepare_keys(const torch::Tensor& keys) const {
  // Row-vector keys: (W k)^T = k W^T, with W [H, d, d] broadcast over the batch.
  if (kind_ == AttentionKind::kGeneral)
    return torch::matmul(keys, weight_.transpose(-2, -1));  // [B, H, S, d_k]
  if (kind_ == AttentionKind::kAdditive) return torch::matmul(keys, key_weight_.transpose(-2, -1));
  return keys;
}

torch::Tensor AttentionScoresImpl::scores(const torch::Tensor& query,
                                          const torch::Tensor& prepared_keys) const {
  if (kind_ == AttentionKind::kAdditive) {
    const auto h = options_.heads, d = options_.head_dim;
    auto wq = torch::matmul(query, query_weight_.transpose(-2, -1));  // [B, H, T, d_k]
    // Every (query, key) pair needs its own tanh: [B, H, T, S, d_k].
    auto hidden = torch::tanh(wq.unsqueeze(3) + prepared_keys.unsqueeze(2));
    return (hidden * vector_.view({h, 1, 1, d}).to(hidden.scalar_type())).sum(-1);  // [B, H, T, S]
  }
  return batched_matmul(query, prepared_keys.transpose(-2, -1));  // [B, H, T, S]
}

torch::Tensor AttentionScoresImpl::forward(const torch::Tensor& query,
                                           const torch::Tensor& prepared_keys,
                                           const torch::Tensor& values, const torch::Tensor& bias,
                                           torch::Tensor* weights, bool step) {
  const double scale = kind_ == AttentionKind::kScaledDot
                           ? 1.0 / std::sqrt(static_cast<double>(options_.head_dim))
                           : 1.0;
  // Decoding steps: one fused kernel instead of matmul, add, softmax, matmul (step_attention.h).
  const bool dropout = options_.dropout > 0 && is_training();
  if (step && kind_ == AttentionKind::kScaledDot && !weights && !dropout &&
      step_attention_applies(query, prepared_keys, values, bias))
    return step_attention(query, prepared_keys, values, bias, scale);
  auto s = scores(query, prepared_keys);  // [B, H, T, S]
  // Scale, mask and softmax in float32 whatever the compute dtype: one fused add when masked.
  torch::Tensor logits;
  if (bias.defined())
    logits = torch::add(bias, s, /*alpha=*/scale);
  else
    logits = scale == 1.0 ? s.to(torch::kFloat) : s.to(torch::kFloat).mul_(scale);
  auto w = torch::softmax(logits, /*dim=*/-1);  // [B, H, T, S] float32
  if (weights) *weights = w;
  if (options_.dropout > 0 && is_training()) w = nmt::dropout(w, options_.dropout, /*train=*/true);
  return batched_matmul(w.to(values.scalar_type()), values);  // [B, H, T, d_v]
}

}  // namespace nmt
