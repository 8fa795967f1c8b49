#include "nmt/model/multi_head_attention.h"

#include "nmt/model/decoder_cache.h"
#include "nmt/util/error.h"

namespace nmt {

namespace {

// A Linear [in] -> [blocks * out] whose weight is `blocks` separately Xavier-initialised [out, in]
// matrices (the fused projections are several projections), with zero bias.
nmt::Linear fused_linear(int64_t in, int64_t out, int64_t blocks) {
  nmt::Linear linear(torch::nn::LinearOptions(in, out * blocks));
  torch::NoGradGuard no_grad;
  for (int64_t b = 0; b < blocks; ++b)
    torch::nn::init::xavier_uniform_(linear->weight.narrow(0, b * out, out));
  linear->bias.zero_();
  return linear;
}

}  // namespace

MultiHeadAttentionImpl::MultiHeadAttentionImpl(const MultiHeadAttentionOptions& options)
    : options_(options) {
  const int64_t d = options_.d_model;
  if (options_.heads <= 0 || d % options_.heads != 0)
    throw ConfigError("config key 'model.heads': " + std::to_string(options_.heads) +
                      " does not divide model.d_model = " + std::to_string(d));
  head_dim_ = d / options_.heads;
  if (options_.self_attention) {
    in_proj = register_module("in_proj", fused_linear(d, d, 3));
  } else {
    q_proj = register_module("q_proj", fused_linear(d, d, 1));
    kv_proj = register_module("kv_proj", fused_linear(d, d, 2));
  }
  out_proj = register_module("out_proj", fused_linear(d, d, 1));
  scorer = register_module(
      "scorer", AttentionScores(AttentionScoresOptions{options_.scoring, options_.heads, head_dim_,
                                                       options_.attention_dropout}));
}

torch::Tensor MultiHeadAttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& k,
                                             const torch::Tensor& v, const torch::Tensor& bias,
                                             torch::Tensor* weights, bool step) {
  auto out = scorer->forward(q, k, v, bias, weights, step);  // [B, H, T, d_k]
  const auto b = out.size(0), t = out.size(2);
  // [B, H, T, d_k] -> [B, T, H, d_k] -> [B, T, D]
  return out_proj(out.transpose(1, 2).reshape({b, t, options_.d_model}));
}

torch::Tensor MultiHeadAttentionImpl::self_attend(const torch::Tensor& x, const torch::Tensor& bias,
                                                  torch::Tensor* cache_keys,
                                                  torch::Tensor* cache_values,
                                                  torch::Tensor* weights) {
  TORCH_CHECK(in_proj, "self_attend called on a cross-attention module");
  const auto b = x.size(0), t = x.size(1);
  // [B, T, 3D] -> [B, T, 3, H, d_k] -> [3, B, H, T, d_k]
  auto qkv = in_proj(x).view({b, t, 3, options_.heads, head_dim_}).permute({2, 0, 3, 1, 4});
  auto q = qkv[0], k = scorer->prepare_keys(qkv[1]), v = qkv[2];  // [B, H, T, d_k]
  if (cache_keys) {
    TORCH_CHECK(cache_values, "self_attend: cache_keys without cache_values");
    // Written in place into buffers with spare room (decoder_cache.h), not re-concatenated.
    k = append_positions(*cache_keys, k);  // [B, H, cached + T, d_k]
    v = append_positions(*cache_values, v);
    *cache_keys = k;
    *cache_values = v;
  }
  return attend(q, k, v, bias, weights, /*step=*/cache_keys != nullptr);
}

std::pair<torch::Tensor, torch::Tensor> MultiHeadAttentionImpl::memory_keys_values(
    const torch::Tensor& memory) {
  TORCH_CHECK(kv_proj, "memory_keys_values called on a self-attention module");
  const auto b = memory.size(0), s = memory.size(1);
  // [B, S, 2D] -> [B, S, 2, H, d_k] -> [2, B, H, S, d_k]
  auto kv = kv_proj(memory).view({b, s, 2, options_.heads, head_dim_}).permute({2, 0, 3, 1, 4});
  return {scorer->prepare_keys(kv[0]).contiguous(), kv[1].contiguous()};
}

torch::Tensor MultiHeadAttentionImpl::cross_attend(const torch::Tensor& x,
                                                   const torch::Tensor& keys,
                                                   const torch::Tensor& values,
                                                   const torch::Tensor& bias,
                                                   torch::Tensor* weights, bool step) {
  TORCH_CHECK(q_proj, "cross_attend called on a self-attention module");
  const auto b = x.size(0), t = x.size(1);
  // [B, T, D] -> [B, T, H, d_k] -> [B, H, T, d_k]
  auto q = q_proj(x).view({b, t, options_.heads, head_dim_}).transpose(1, 2);
  const int64_t n = keys.size(0);
  if (n == b) return attend(q, keys, values, bias, weights, step);
  // Grouped keys (beam search): G = B / n consecutive rows share one source's keys/values. Their
  // queries become G * T query positions of that source: [n * G, H, T, d_k] -> [n, H, G * T, d_k].
  TORCH_CHECK(n > 0 && b % n == 0, "cross_attend: ", b, " query rows for keys of ", n, " sources");
  const int64_t g = b / n, h = options_.heads;
  q = q.reshape({n, g, h, t, head_dim_}).transpose(1, 2).reshape({n, h, g * t, head_dim_});
  auto out = scorer->forward(q, keys, values, bias, weights, step);  // [n, H, G * T, d_k]
  if (weights)                                                 // [n, H, G * T, S] -> [B, H, T, S]
    *weights =
        weights->reshape({n, h, g, t, -1}).transpose(1, 2).reshape({b, h, t, weights->size(-1)});
  // [n, H, G * T, d_k] -> [n, H, G, T, d_k] -> [n, G, T, H, d_k] -> [B, T, D]
  out = out.reshape({n, h, g, t, head_dim_})
            .permute({0, 2, 3, 1, 4})
            .reshape({b, t, options_.d_model});
  return out_proj(out);
}

}  // namespace nmt
