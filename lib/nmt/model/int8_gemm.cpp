#include "nmt/model/int8_gemm.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "nmt/model/avx512.h"
#include "nmt/util/error.h"

#ifdef NMT_HAVE_DNNL
#include "nmt/model/onednn_engine.h"
#endif

namespace nmt {

std::pair<torch::Tensor, torch::Tensor> quantize_rows_int8(const torch::Tensor& w) {
  TORCH_CHECK(w.dim() == 2, "quantize_rows_int8: expected a matrix, got ", w.sizes());
  torch::NoGradGuard no_grad;
  const auto wf = w.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  auto scale = wf.abs().amax(/*dim=*/1) / 127.0;  // [N]
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  auto q = torch::round(wf / scale.unsqueeze(1)).clamp_(-127, 127).to(torch::kInt8);
  return {q.contiguous(), scale.contiguous()};
}

#ifndef NMT_HAVE_DNNL

bool int8_gemm_available() { return false; }
std::string int8_gemm_unavailable_reason() {
  return "this nmt was built without oneDNN (install libdnnl-dev and rebuild: scripts/setup.sh "
         "does), so int8 decoding is not available here";
}
struct Int8Gemm::Impl {};
Int8Gemm::Int8Gemm(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&) {
  throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
}
Int8Gemm::~Int8Gemm() = default;
torch::Tensor Int8Gemm::forward(const torch::Tensor&) const {
  throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
}
std::string Int8Gemm::implementation(int64_t) const { return "none"; }

#else

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

using onednn::cpu_engine;
using onednn::thread_stream;

// oneDNN picks its fastest kernels (brgemm: AMX, VNNI) only for a batch size known when the
// primitive is made, so one primitive is made per padded row count. Rows are padded up to a bucket
// so a run sees a few dozen shapes, not one per batch size (padding rows are zeros, never read).
// A single row is padded to two: oneDNN 2.6 has only its reference kernel for M = 1 with the
// weights packed for AMX (100x slower).
int64_t padded_rows(int64_t m) {
  if (m <= 32) return std::max<int64_t>(m, 2);
  if (m <= 256) return (m + 15) / 16 * 16;
  if (m <= 2048) return (m + 127) / 128 * 128;
  return (m + 511) / 512 * 512;
}

dnnl::matmul::primitive_desc make_desc(int64_t m, int64_t k, int64_t n,
                                       const dnnl::memory::desc& weights) {
  const dnnl::memory::desc src({m, k}, dt::s8, tag::ab), dst({m, n}, dt::s32, tag::ab);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::matmul::primitive_desc(cpu_engine(), src, weights, dst, attr);
#else
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, dst), attr, cpu_engine());
#endif
}

// Quantizes rows [begin, end) of x [M, K] (float or bfloat16) into q (int8, row-major) with one
// scale per row: q = round(x / s) (to nearest even), s = max|x_row| / 127 (0 for a zero row).
float to_float(float v) { return v; }
float to_float(at::BFloat16 v) { return static_cast<float>(v); }

template <typename T>
void quantize_rows_scalar(const T* x, int64_t begin, int64_t end, int64_t k, int8_t* q,
                          float* scales) {
  for (int64_t m = begin; m < end; ++m) {
    const T* row = x + m * k;
    float amax = 0.f;
    for (int64_t i = 0; i < k; ++i) amax = std::max(amax, std::fabs(to_float(row[i])));
    int8_t* out = q + m * k;
    scales[m] = amax / 127.f;
    const float inv = amax > 0.f ? 127.f / amax : 0.f;
    for (int64_t i = 0; i < k; ++i)
      out[i] = static_cast<int8_t>(std::nearbyint(to_float(row[i]) * inv));
  }
}

// y[r, :] = acc[r, :] * (sa[r] * sw) + bias, rows [begin, end); y float or bfloat16 (rounded to
// nearest even, as LibTorch converts).
template <typename O>
void dequantize_rows_scalar(const int32_t* acc, int64_t begin, int64_t end, int64_t n,
                            const float* sa, const float* sw, const float* bias, O* y) {
  for (int64_t r = begin; r < end; ++r) {
    const float s = sa[r];
    const int32_t* a = acc + r * n;
    O* o = y + r * n;
    for (int64_t j = 0; j < n; ++j)
      o[j] = static_cast<O>(static_cast<float>(a[j]) * (s * sw[j]) + (bias ? bias[j] : 0.f));
  }
}

#ifdef NMT_AVX512
// AVX-512 versions (the CPUs with VNNI/AMX int8 kernels all have it): the same results, since
// _mm512_cvtps_epi32 rounds to nearest even like nearbyint, and max/abs are exact.
template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void quantize_rows_avx512(
    const T* x, int64_t begin, int64_t end, int64_t k, int8_t* q, float* scales) {
  for (int64_t m = begin; m < end; ++m) {
    const T* row = x + m * k;
    __m512 vmax = _mm512_setzero_ps();
    for (int64_t i = 0; i < k; i += 16) {
      const __mmask16 mask = avx512::lanes(k - i);
      vmax = _mm512_max_ps(vmax, _mm512_abs_ps(avx512::load(row + i, mask)));
    }
    const float amax = _mm512_reduce_max_ps(vmax);
    scales[m] = amax / 127.f;
    const __m512 inv = _mm512_set1_ps(amax > 0.f ? 127.f / amax : 0.f);
    int8_t* out = q + m * k;
    for (int64_t i = 0; i < k; i += 16) {
      const __mmask16 mask = avx512::lanes(k - i);
      const __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(avx512::load(row + i, mask), inv));
      _mm512_mask_cvtsepi32_storeu_epi8(out + i, mask, v);
    }
  }
}

template <typename O>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void dequantize_rows_avx512(
    const int32_t* acc, int64_t begin, int64_t end, int64_t n, const float* sa, const float* sw,
    const float* bias, O* y) {
  for (int64_t r = begin; r < end; ++r) {
    const __m512 s = _mm512_set1_ps(sa[r]);
    const int32_t* a = acc + r * n;
    O* o = y + r * n;
    for (int64_t j = 0; j < n; j += 16) {
      const __mmask16 mask = avx512::lanes(n - j);
      const __m512 scale = _mm512_mul_ps(s, _mm512_maskz_loadu_ps(mask, sw + j));
      const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + j) : _mm512_setzero_ps();
      const __m512 v = _mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(mask, a + j));
      avx512::store(o + j, mask, _mm512_fmadd_ps(v, scale, b));
    }
  }
}

#endif

template <typename T>
void quantize_rows(const T* x, int64_t begin, int64_t end, int64_t k, int8_t* q, float* scales) {
#ifdef NMT_AVX512
  if (avx512::available()) return quantize_rows_avx512(x, begin, end, k, q, scales);
#endif
  quantize_rows_scalar(x, begin, end, k, q, scales);
}

template <typename O>
void dequantize_rows(const int32_t* acc, int64_t begin, int64_t end, int64_t n, const float* sa,
                     const float* sw, const float* bias, O* y) {
#ifdef NMT_AVX512
  if (avx512::available()) return dequantize_rows_avx512(acc, begin, end, n, sa, sw, bias, y);
#endif
  dequantize_rows_scalar(acc, begin, end, n, sa, sw, bias, y);
}

}  // namespace

namespace {

// Without an int8 dot-product instruction (VNNI or AMX) oneDNN multiplies u8 x s8 pairs with
// vpmaddubsw, whose int16 sums saturate for 8-bit weights: the products would be wrong, not slow.
std::string isa_problem() {
  using isa = dnnl::cpu_isa;
  const isa found = dnnl::get_effective_cpu_isa();
  const bool no_dot_product = found == isa::sse41 || found == isa::avx || found == isa::avx2 ||
#if DNNL_VERSION_MAJOR < 3
                              found == isa::avx512_mic || found == isa::avx512_mic_4ops ||
#endif
                              found == isa::avx512_core;
  return no_dot_product ? "this CPU has no int8 dot-product instructions (AVX-512-VNNI, AVX-VNNI "
                          "or AMX-INT8), without which oneDNN's int8 products saturate; int8 "
                          "decoding is not available here (use bf16 or fp32)"
                        : "";
}

}  // namespace

bool int8_gemm_available() { return int8_gemm_unavailable_reason().empty(); }
std::string int8_gemm_unavailable_reason() {
  static const std::string reason = isa_problem();
  return reason;
}

struct Int8Gemm::Impl {
  dnnl::memory::desc weights_desc;
  torch::Tensor packed;  // int8 bytes in weights_desc's layout
  std::vector<float> scale, bias;
  mutable std::mutex mutex;
  mutable std::unordered_map<int64_t, std::pair<dnnl::matmul, size_t> > primitives;  // + scratchpad

  const std::pair<dnnl::matmul, size_t>& primitive(int64_t rows, int64_t k, int64_t n) const {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = primitives.find(rows);
    if (it == primitives.end()) {
      auto pd = make_desc(rows, k, n, weights_desc);
      it = primitives
               .emplace(rows, std::make_pair(dnnl::matmul(pd), pd.scratchpad_desc().get_size()))
               .first;
    }
    return it->second;
  }

  // Rows [r0, r1) of x [M, K] -> out [M, N]: quantize, int8 GEMM, scale and bias, with buffers
  // of this thread (a chunk's int32 products stay in cache for the epilogue).
  template <typename T>
  void run_chunk(const T* x, int64_t r0, int64_t r1, int64_t k, int64_t n, T* out) const {
    const int64_t m = r1 - r0, rows = padded_rows(m);
    thread_local std::vector<int8_t> q;
    thread_local std::vector<int32_t> acc;
    thread_local std::vector<float> sa;
    thread_local std::vector<uint8_t> scratch;
    if (q.size() < static_cast<size_t>(rows * k)) q.resize(rows * k);
    if (acc.size() < static_cast<size_t>(rows * n)) acc.resize(rows * n);
    if (sa.size() < static_cast<size_t>(m)) sa.resize(m);
    quantize_rows(x + r0 * k, 0, m, k, q.data(), sa.data());
    if (rows > m) std::memset(q.data() + m * k, 0, (rows - m) * k);
    const auto& [matmul, scratch_bytes] = primitive(rows, k, n);
    if (scratch.size() < scratch_bytes) scratch.resize(scratch_bytes);
    auto& engine = cpu_engine();
    dnnl::memory src({{rows, k}, dt::s8, tag::ab}, engine, q.data());
    dnnl::memory weights(weights_desc, engine, packed.data_ptr());
    dnnl::memory dst({{rows, n}, dt::s32, tag::ab}, engine, acc.data());
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
    if (scratch_bytes > 0)
      args.emplace(DNNL_ARG_SCRATCHPAD,
                   dnnl::memory({{static_cast<int64_t>(scratch_bytes)}, dt::u8, tag::a}, engine,
                                scratch.data()));
    matmul.execute(thread_stream(), args);
    thread_stream().wait();
    dequantize_rows(acc.data(), 0, m, n, sa.data(), scale.data(),
                    bias.empty() ? nullptr : bias.data(), out + r0 * n);
  }

  // A batch in chunks of rows whose int32 products fit in ~256 KiB: one chunk runs in this thread
  // (oneDNN splits it over the threads); several run in parallel, a chunk per thread at a time.
  template <typename T>
  void run(const T* x, int64_t m, int64_t k, int64_t n, T* out) const {
    const int64_t chunk = std::max<int64_t>(16, (65536 / n) / 16 * 16);
    const int64_t chunks = (m + chunk - 1) / chunk;
    if (chunks == 1) return run_chunk(x, 0, m, k, n, out);
    at::parallel_for(0, chunks, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c)
        run_chunk(x, c * chunk, std::min(m, (c + 1) * chunk), k, n, out);
    });
  }
};

Int8Gemm::Int8Gemm(const torch::Tensor& weight, const torch::Tensor& scale,
                   const torch::Tensor& bias)
    : impl_(std::make_unique<Impl>()) {
  if (!int8_gemm_available())
    throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
  TORCH_CHECK(weight.dim() == 2 && weight.scalar_type() == torch::kInt8,
              "Int8Gemm: weight must be an int8 matrix, got ", weight.sizes(), " ",
              weight.scalar_type());
  n_ = weight.size(0);
  k_ = weight.size(1);
  TORCH_CHECK(scale.numel() == n_, "Int8Gemm: ", scale.numel(), " scales for ", n_, " rows");
  TORCH_CHECK(!bias.defined() || bias.numel() == n_, "Int8Gemm: bias of ", bias.numel(), " for ",
              n_, " rows");
  const auto s = scale.to(torch::kCPU, torch::kFloat32).contiguous();
  impl_->scale.assign(s.data_ptr<float>(), s.data_ptr<float>() + n_);
  if (bias.defined()) {
    const auto b = bias.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    impl_->bias.assign(b.data_ptr<float>(), b.data_ptr<float>() + n_);
  }
  try {
    // The layout the kernels want for a typical batch (weights "any"); every later primitive is
    // made for that same layout, so the weights are packed once.
    const dnnl::memory::desc any({64, k_}, dt::s8, tag::ab), wany({k_, n_}, dt::s8, tag::any),
        dst({64, n_}, dt::s32, tag::ab);
#if DNNL_VERSION_MAJOR >= 3
    dnnl::matmul::primitive_desc pd(cpu_engine(), any, wany, dst);
#else
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(any, wany, dst), cpu_engine());
#endif
    impl_->weights_desc = pd.weights_desc();
    impl_->packed =
        torch::empty({static_cast<int64_t>(impl_->weights_desc.get_size())}, torch::kInt8);
    const auto w = weight.to(torch::kCPU).contiguous();
    // W [N, K] row-major is the [K, N] matrix in "ba" order.
    dnnl::memory plain({{k_, n_}, dt::s8, tag::ba}, cpu_engine(), w.data_ptr());
    dnnl::memory packed(impl_->weights_desc, cpu_engine(), impl_->packed.data_ptr());
    dnnl::reorder(plain, packed).execute(thread_stream(), plain, packed);
    thread_stream().wait();
  } catch (const dnnl::error& e) {
    throw ConfigError(std::string("precision int8: oneDNN cannot make an int8 matmul here (") +
                      e.what() + ")");
  }
}

Int8Gemm::~Int8Gemm() = default;

std::string Int8Gemm::implementation(int64_t rows) const {
  return make_desc(padded_rows(rows), k_, n_, impl_->weights_desc).impl_info_str();
}

torch::Tensor Int8Gemm::forward(const torch::Tensor& input) const {
  TORCH_CHECK(input.device().is_cpu(), "int8 decoding runs on the CPU only, got a tensor on ",
              input.device());
  TORCH_CHECK(input.size(-1) == k_, "Int8Gemm: input width ", input.size(-1), ", expected ", k_);
  auto out_sizes = input.sizes().vec();
  out_sizes.back() = n_;
  auto x = input.reshape({-1, k_});
  if (x.scalar_type() != torch::kFloat32 && x.scalar_type() != torch::kBFloat16)
    x = x.to(torch::kFloat32);
  x = x.contiguous();
  const int64_t m = x.size(0);
  auto out = torch::empty({m, n_}, x.options());  // float32 or bfloat16, as the input
  if (m == 0) return out.view(out_sizes);
  // oneDNN runs on the calling thread's OpenMP team size; LibTorch sets a new thread's from
  // --threads on its first at::get_num_threads(), which a forward might not have made yet.
  at::get_num_threads();
  if (x.scalar_type() == torch::kFloat32)
    impl_->run(x.data_ptr<float>(), m, k_, n_, out.data_ptr<float>());
  else
    impl_->run(x.data_ptr<at::BFloat16>(), m, k_, n_, out.data_ptr<at::BFloat16>());
  return out.view(out_sizes);
}

#endif  // NMT_HAVE_DNNL

}  // namespace nmt
