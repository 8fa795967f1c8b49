// How a query weighs the keys it attends to: the scoring function, the mask, the softmax and the
// weighted sum of values. Multi-head attention runs it over all heads at once ([B, H, ...]); the
// rnn runs it with one head.
//
//   scaled_dot  softmax(q k^T / sqrt(d_k)) v        (Vaswani et al. 2017; the default)
//   dot         softmax(q k^T) v                    (Luong et al. 2015 "dot")
//   general     softmax(q^T W k) v                  (Luong "general"; one W [d_k, d_k] per head)
//   additive    softmax(v_a^T tanh(W q + U k)) v    (Bahdanau et al. 2015; W, U, v_a per head)
//
// Scores are computed against *prepared* keys (general: W k; additive: U k; else k itself), so a
// caller that caches keys caches the prepared form and never transforms a key twice.
//
// Masks are additive biases (0 = may attend, kMaskedScore = may not) in float32, broadcastable to
// [B, H, T, S]. A masked key gets exactly zero weight: exp(kMaskedScore - max) underflows to 0. The
// value is finite so that a row with every key masked gives uniform weights instead of NaN.
#pragma once

#include <torch/torch.h>

#include <string>

namespace nmt {

constexpr float kMaskedScore = -1e9f;

// Bias [B, 1, 1, S] from pad_mask [B, S] (bool, true at padding).
torch::Tensor padding_bias(const torch::Tensor& pad_mask);
// Bias [1, 1, T, T] letting position t see positions <= t only.
torch::Tensor causal_bias(int64_t length, const torch::Device& device);

// The scoring functions above, parsed from their config names once at construction.
enum class AttentionKind { kScaledDot, kDot, kGeneral, kAdditive };

// The kind named `kind`; throws ConfigError unless it is a scoring function named above.
AttentionKind parse_attention_kind(const std::string& kind);

struct AttentionScoresOptions {
  std::string kind = "scaled_dot";  // scaled_dot | dot | general | additive
  int64_t heads = 1;                // H: parameters of general/additive are per head
  int64_t head_dim = 64;            // d_k: width of one head's queries and keys
  double dropout = 0.0;             // dropout on the weights (training only), in [0, 1)
};

class AttentionScoresImpl : public torch::nn::Module {
 public:
  explicit AttentionScoresImpl(const AttentionScoresOptions& options);

  // keys [B, H, S, d_k] -> prepared keys [B, H, S, d_k], the form forward() scores against.
  torch::Tensor prepare_keys(const torch::Tensor& keys) const;

  // query [B, H, T, d_k], prepared keys [B, H, S, d_k], values [B, H, S, d_v], bias broadcastable
  // to [B, H, T, S] (or undefined) -> [B, H, T, d_v]. When `weights` is given it receives the
  // attention weights [B, H, T, S] (float32, before dropout: each row sums to 1).
  // `step`: a decoding step (the queries of one new position), which may run the fused kernel of
  // step_attention.h. Only steps do, whatever their sizes: were a short batch's teacher-forced or
  // encoder pass to take it too, a sentence's rounding would depend on its batch's length.
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& prepared_keys,
                        const torch::Tensor& values, const torch::Tensor& bias,
                        torch::Tensor* weights = nullptr, bool step = false);

  // Raw scores [B, H, T, S] before bias and softmax.
  torch::Tensor scores(const torch::Tensor& query, const torch::Tensor& prepared_keys) const;

  const AttentionScoresOptions& options() const { return options_; }

 private:
  AttentionScoresOptions options_;
  AttentionKind kind_;          // options_.kind, parsed once
  torch::Tensor weight_;        // general: W [H, d_k, d_k]
  torch::Tensor query_weight_;  // additive: W [H, d_k, d_k]
  torch::Tensor key_weight_;    // additive: U [H, d_k, d_k]
  torch::Tensor vector_;        // additive: v_a [H, d_k]
};
TORCH_MODULE(AttentionScores);

}  // namespace nmt
