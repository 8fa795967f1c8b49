#include "nmt/model/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cstdint>
#include <cstring>
#include <mutex>

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The loops below are written for the auto-vectoriser (no branches, 32-bit integer hashing, bf16
// handled as raw uint16 bits) and compiled for AVX-512, AVX2 and baseline x86-64, picked at load
// time: the mask then costs about as much as a copy.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define NMT_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define NMT_VECTOR_CLONES
#endif

// 16 random bits for element i: half of a 32-bit hash (lowbias32) of the element pair i / 2.
inline uint32_t mask_bits(uint32_t i, uint32_t seed_lo, uint32_t seed_hi) {
  uint32_t h = (i >> 1) * 0x9E3779B9u + seed_lo;
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  h ^= seed_hi;
  return (h >> ((i & 1u) * 16u)) & 0xFFFFu;
}

NMT_VECTOR_CLONES
void masked_scale_f32(const float* in, float* out, int64_t begin, int64_t end, uint32_t seed_lo,
                      uint32_t seed_hi, uint32_t drop_below, float scale) {
  for (int64_t i = begin; i < end; ++i) {
    const float keep = mask_bits(static_cast<uint32_t>(i), seed_lo, seed_hi) >= drop_below ? scale : 0.0f;
    out[i] = in[i] * keep;
  }
}

// bf16 as bits: widen to float (<< 16), scale, round to nearest even, narrow.
NMT_VECTOR_CLONES
void masked_scale_bf16(const uint16_t* in, uint16_t* out, int64_t begin, int64_t end, uint32_t seed_lo,
                       uint32_t seed_hi, uint32_t drop_below, float scale) {
  for (int64_t i = begin; i < end; ++i) {
    const float keep = mask_bits(static_cast<uint32_t>(i), seed_lo, seed_hi) >= drop_below ? scale : 0.0f;
    float f;
    uint32_t u = static_cast<uint32_t>(in[i]) << 16;
    std::memcpy(&f, &u, sizeof(f));
    f *= keep;
    std::memcpy(&u, &f, sizeof(u));
    u += 0x7FFFu + ((u >> 16) & 1u);  // NaN/Inf inputs stay NaN/Inf (their exponent is all ones)
    out[i] = static_cast<uint16_t>(u >> 16);
  }
}

torch::Tensor apply_mask(const torch::Tensor& x, uint64_t seed, double p) {
  const torch::Tensor in = x.contiguous();
  torch::Tensor out = torch::empty_like(in, torch::MemoryFormat::Contiguous);
  const auto drop_below = static_cast<uint32_t>(p * 65536.0 + 0.5);
  const float scale = static_cast<float>(1.0 / (1.0 - drop_below / 65536.0));
  const auto seed_lo = static_cast<uint32_t>(seed), seed_hi = static_cast<uint32_t>(seed >> 32);
  const bool is_float = in.scalar_type() == torch::kFloat32;
  const void* src = in.data_ptr();
  void* dst = out.data_ptr();
  at::parallel_for(0, in.numel(), /*grain_size=*/1 << 15, [&](int64_t begin, int64_t end) {
    if (is_float) {
      masked_scale_f32(static_cast<const float*>(src), static_cast<float*>(dst), begin, end, seed_lo,
                       seed_hi, drop_below, scale);
    } else {
      masked_scale_bf16(static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), begin, end,
                        seed_lo, seed_hi, drop_below, scale);
    }
  });
  return out;
}

struct HashDropout : torch::autograd::Function<HashDropout> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, double p) {
    uint64_t seed = 0;
    {
      auto* generator = at::check_generator<at::CPUGeneratorImpl>(at::detail::getDefaultCPUGenerator());
      std::lock_guard<std::mutex> lock(generator->mutex_);
      seed = generator->random64();
    }
    ctx->saved_data["seed"] = static_cast<int64_t>(seed);
    ctx->saved_data["p"] = p;
    return apply_mask(x, seed, p);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto seed = static_cast<uint64_t>(ctx->saved_data["seed"].toInt());
    return {apply_mask(grad_outputs[0], seed, ctx->saved_data["p"].toDouble()), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor apply_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0.0) return x;
  const bool hashable = x.is_cpu() && (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kBFloat16);
  if (!hashable) return torch::dropout(x, p, /*train=*/true);
  return HashDropout::apply(x, p);
}

}  // namespace nmt
