#include "nmt/model/step_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nmt/model/avx512.h"

namespace nmt {

namespace {

constexpr int64_t kMaxQueries = 64;

// Strides (in elements) of a [B, H, T or S, d] tensor; d's stride is 1.
struct View4 {
  int64_t b, h, t;
};
View4 strides_of(const torch::Tensor& x) { return {x.stride(0), x.stride(1), x.stride(2)}; }

float to_float(float v) { return v; }
float to_float(c10::BFloat16 v) { return static_cast<float>(v); }

// One (row, head): queries q [T, d] (row stride qs), keys/values [S, d] (row strides ks, vs),
// bias rows (stride bt per query, bs per key; null = none) -> out [T, d] contiguous.
template <typename T>
void attend_scalar(const T* q, int64_t qs, int64_t tq, const T* k, int64_t ks, const T* v,
                   int64_t vs, int64_t s_len, int64_t d, const float* bias, int64_t bt, int64_t bs,
                   float scale, T* out, float* scores, float* acc) {
  for (int64_t t = 0; t < tq; ++t) {
    const T* qt = q + t * qs;
    float top = -std::numeric_limits<float>::infinity();
    for (int64_t s = 0; s < s_len; ++s) {
      float dot = 0.f;
      for (int64_t j = 0; j < d; ++j) dot += to_float(qt[j]) * to_float(k[s * ks + j]);
      scores[s] = dot * scale + (bias ? bias[t * bt + s * bs] : 0.f);
      top = std::max(top, scores[s]);
    }
    float sum = 0.f;
    for (int64_t s = 0; s < s_len; ++s) sum += scores[s] = std::exp(scores[s] - top);
    std::fill(acc, acc + d, 0.f);
    for (int64_t s = 0; s < s_len; ++s)
      for (int64_t j = 0; j < d; ++j) acc[j] += scores[s] * to_float(v[s * vs + j]);
    const float inv = 1.f / sum;
    for (int64_t j = 0; j < d; ++j) out[t * d + j] = static_cast<T>(acc[j] * inv);
  }
}

#ifdef NMT_AVX512
template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void attend_avx512(
    const T* q, int64_t qs, int64_t tq, const T* k, int64_t ks, const T* v, int64_t vs,
    int64_t s_len, int64_t d, const float* bias, int64_t bt, int64_t bs, float scale, T* out,
    float* scores, float* acc) {
  constexpr int64_t kMaxD = 256;  // head widths up to 256 keep the query in registers' reach
  __m512 qv[kMaxD / 16];
  const int64_t blocks = (d + 15) / 16;
  for (int64_t t = 0; t < tq; ++t) {
    for (int64_t c = 0; c < blocks; ++c)
      qv[c] = avx512::load(q + t * qs + c * 16, avx512::lanes(d - c * 16));
    float top = -std::numeric_limits<float>::infinity();
    for (int64_t s = 0; s < s_len; ++s) {
      __m512 dot = _mm512_setzero_ps();
      for (int64_t c = 0; c < blocks; ++c)
        dot = _mm512_fmadd_ps(qv[c], avx512::load(k + s * ks + c * 16, avx512::lanes(d - c * 16)),
                              dot);
      scores[s] = _mm512_reduce_add_ps(dot) * scale + (bias ? bias[t * bt + s * bs] : 0.f);
      top = std::max(top, scores[s]);
    }
    float sum = 0.f;
    for (int64_t s = 0; s < s_len; ++s) sum += scores[s] = std::exp(scores[s] - top);
    for (int64_t c = 0; c < blocks; ++c) _mm512_storeu_ps(acc + c * 16, _mm512_setzero_ps());
    for (int64_t s = 0; s < s_len; ++s) {
      const __m512 w = _mm512_set1_ps(scores[s]);
      for (int64_t c = 0; c < blocks; ++c) {
        const __mmask16 mask = avx512::lanes(d - c * 16);
        _mm512_storeu_ps(acc + c * 16,
                         _mm512_fmadd_ps(w, avx512::load(v + s * vs + c * 16, mask),
                                         _mm512_loadu_ps(acc + c * 16)));
      }
    }
    const __m512 inv = _mm512_set1_ps(1.f / sum);
    for (int64_t c = 0; c < blocks; ++c)
      avx512::store(out + t * d + c * 16, avx512::lanes(d - c * 16),
                    _mm512_mul_ps(_mm512_loadu_ps(acc + c * 16), inv));
  }
}
#endif

template <typename T>
void run(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
         const torch::Tensor& bias, float scale, torch::Tensor& out) {
  const int64_t b = q.size(0), h = q.size(1), tq = q.size(2), d = q.size(3), s_len = k.size(2);
  const View4 qs = strides_of(q), ks = strides_of(k), vs = strides_of(v);
  const T* qp = q.data_ptr<T>();
  const T* kp = k.data_ptr<T>();
  const T* vp = v.data_ptr<T>();
  T* op = out.data_ptr<T>();
  // The bias broadcast to [B, H, T, S]: stride 0 along the broadcast dims.
  torch::Tensor full_bias;
  const float* bp = nullptr;
  int64_t bb = 0, bh = 0, bt = 0, bs = 0;
  if (bias.defined()) {
    full_bias = bias.expand({b, h, tq, s_len});
    bp = full_bias.data_ptr<float>();
    bb = full_bias.stride(0), bh = full_bias.stride(1), bt = full_bias.stride(2),
    bs = full_bias.stride(3);
  }
#ifdef NMT_AVX512
  const bool vector = avx512::available() && d <= 256;
#endif
  const int64_t work = std::max<int64_t>(1, tq * s_len * d);
  at::parallel_for(0, b * h, std::max<int64_t>(1, 16384 / work), [&](int64_t begin, int64_t end) {
    std::vector<float> scores(s_len), acc((d + 15) / 16 * 16);
    for (int64_t i = begin; i < end; ++i) {
      const int64_t r = i / h, hh = i % h;
      const T* qi = qp + r * qs.b + hh * qs.h;
      const T* ki = kp + r * ks.b + hh * ks.h;
      const T* vi = vp + r * vs.b + hh * vs.h;
      const float* bi = bp ? bp + r * bb + hh * bh : nullptr;
      T* oi = op + i * tq * d;
#ifdef NMT_AVX512
      if (vector) {
        attend_avx512(qi, qs.t, tq, ki, ks.t, vi, vs.t, s_len, d, bi, bt, bs, scale, oi,
                      scores.data(), acc.data());
        continue;
      }
#endif
      attend_scalar(qi, qs.t, tq, ki, ks.t, vi, vs.t, s_len, d, bi, bt, bs, scale, oi,
                    scores.data(), acc.data());
    }
  });
}

}  // namespace

bool step_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            const torch::Tensor& bias) {
  if (!q.device().is_cpu() || !k.device().is_cpu() || !v.device().is_cpu()) return false;
  if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) return false;
  const auto dtype = q.scalar_type();
  if ((dtype != torch::kFloat32 && dtype != torch::kBFloat16) || k.scalar_type() != dtype ||
      v.scalar_type() != dtype)
    return false;
  if (q.requires_grad() || k.requires_grad() || v.requires_grad()) return false;
  if (q.size(2) > kMaxQueries || q.size(2) == 0 || k.size(2) == 0) return false;
  if (k.size(0) != q.size(0) || v.size(0) != q.size(0) || k.size(1) != q.size(1) ||
      v.size(1) != q.size(1) || k.size(3) != q.size(3) || v.size(3) != q.size(3) ||
      v.size(2) != k.size(2))
    return false;
  if (q.stride(3) != 1 || k.stride(3) != 1 || v.stride(3) != 1) return false;
  if (bias.defined()) {
    if (bias.scalar_type() != torch::kFloat32 || !bias.device().is_cpu() || bias.dim() != 4 ||
        bias.requires_grad())
      return false;
    const std::vector<int64_t> want{q.size(0), q.size(1), q.size(2), k.size(2)};
    for (int i = 0; i < 4; ++i)
      if (bias.size(i) != 1 && bias.size(i) != want[i]) return false;
  }
  return true;
}

torch::Tensor step_attention(const torch::Tensor& q, const torch::Tensor& k,
                             const torch::Tensor& v, const torch::Tensor& bias, double scale) {
  TORCH_CHECK(step_attention_applies(q, k, v, bias), "step_attention: unsupported inputs");
  auto out = torch::empty({q.size(0), q.size(1), q.size(2), q.size(3)}, q.options());
  if (out.numel() == 0) return out;
  if (q.scalar_type() == torch::kFloat32)
    run<float>(q, k, v, bias, static_cast<float>(scale), out);
  else
    run<c10::BFloat16>(q, k, v, bias, static_cast<float>(scale), out);
  return out;
}

}  // namespace nmt
