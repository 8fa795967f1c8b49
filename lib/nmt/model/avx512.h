// AVX-512 helpers shared by nmt's CPU kernels (int8_gemm.cpp, step_attention.cpp). Every caller
// checks has_avx512() at run time and keeps a scalar path: the build targets baseline x86-64.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define NMT_AVX512 1
#include <immintrin.h>

#include <c10/util/BFloat16.h>

#include <cstdint>
#include <type_traits>

namespace nmt::avx512 {

inline bool available() {
  static const bool yes = __builtin_cpu_supports("avx512f") &&
                          __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return yes;
}

// Lanes [0, n) of 16 set (n >= 16: all).
inline __mmask16 lanes(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << n) - 1);
}

// 16 floats or bfloat16 (widened exactly) from p; masked-off lanes read as 0.
template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m512 load(const T* p,
                                                                         __mmask16 mask) {
  if constexpr (std::is_same_v<T, float>) {
    return _mm512_maskz_loadu_ps(mask, p);
  } else {
    static_assert(std::is_same_v<T, c10::BFloat16>, "float or bfloat16");
    const __m256i h = _mm256_maskz_loadu_epi16(mask, p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
}

// 16 floats to p as floats or bfloat16 (rounded to nearest even, c10::BFloat16's rounding for
// finite values).
template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline void store(T* p, __mmask16 mask,
                                                                        __m512 v) {
  if constexpr (std::is_same_v<T, float>) {
    _mm512_mask_storeu_ps(p, mask, v);
  } else {
    const __m512i bits = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    const __m512i rounded =
        _mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
    _mm256_mask_storeu_epi16(p, mask, _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16)));
  }
}

}  // namespace nmt::avx512
#endif
