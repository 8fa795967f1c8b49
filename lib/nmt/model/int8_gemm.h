// int8 inference for a Linear layer y = x W^T + b, CTranslate2's scheme: W [N, K] quantized once
// per output row (symmetric, scale sw[n] = max|W[n,:]| / 127), and x quantized on the fly per row
// (per token vector: sa[m] = max|x[m,:]| / 127). The product runs as an int8 x int8 GEMM with
// exact int32 accumulation (oneDNN's matmul: AMX-INT8 or AVX-512-VNNI kernels where the CPU has
// them), and both scales factor out of it: y[m,n] = acc[m,n] * sa[m] * sw[n] + b[n].
//
// Because each row has its own activation scale and int32 sums are exact, a row's output does not
// depend on the other rows of its batch (LibTorch's fbgemm `quantized::linear_dynamic` takes one
// min/max over the whole input, which would). Embeddings, LayerNorm, softmax and the attention
// matmuls stay in float.
//
// Built only where the build found oneDNN (libdnnl-dev: NMT_HAVE_DNNL), and run only on CPUs with
// int8 dot-product instructions (AVX-512-VNNI, AVX-VNNI, AMX-INT8: without them oneDNN's int8
// products saturate); elsewhere int8_gemm_available() is false and constructing an Int8Gemm
// throws ConfigError saying why.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <utility>

namespace nmt {

// True when this build and CPU can run int8 GEMMs.
bool int8_gemm_available();
// Why not, for error messages ("" when available).
std::string int8_gemm_unavailable_reason();

// Per-row symmetric quantization of a float matrix w [N, K]: {int8 [N, K], float32 scales [N]} with
// w ~= q * scale[:, None]. A zero row gets scale 1 (and zeros).
std::pair<torch::Tensor, torch::Tensor> quantize_rows_int8(const torch::Tensor& w);

class Int8Gemm {
 public:
  // weight [N, K] int8, scale [N] float32 (from quantize_rows_int8), bias [N] or undefined. The
  // weights are repacked once into the layout the CPU's kernels want; the tensors are not kept.
  Int8Gemm(const torch::Tensor& weight, const torch::Tensor& scale, const torch::Tensor& bias);
  ~Int8Gemm();
  Int8Gemm(const Int8Gemm&) = delete;
  Int8Gemm& operator=(const Int8Gemm&) = delete;

  // x [..., K] (float32 or bfloat16, CPU) -> [..., N] in x's dtype (other dtypes: float32).
  // Thread-safe.
  torch::Tensor forward(const torch::Tensor& x) const;

  int64_t in_features() const { return k_; }
  int64_t out_features() const { return n_; }
  // The oneDNN implementation the kernels use for a batch of `rows` rows ("brg:avx512_core_amx_int8").
  std::string implementation(int64_t rows) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t k_ = 0, n_ = 0;
};

}  // namespace nmt
