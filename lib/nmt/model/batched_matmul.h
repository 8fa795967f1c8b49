// a [..., M, K] @ b [..., K, N] for the attention's batched products, with autograd.
//
// Why: ATen's float32 bmm on the CPU multiplies the [batch x heads] small matrices one at a time
// (a select of each operand and an addmm per matrix: ~190,000 tensor views per training update of
// the small preset). oneDNN's matmul takes the whole batch, and the transposes of backward, in one
// call on strided memory: a [512, 32, 64] x [512, 64, 32] product ran in 1.05 ms against 3.48 ms
// (AVX2 host, 2 threads).
//
// Float32 CPU tensors with the same leading dimensions (no broadcasting), outside autocast, in a
// build with oneDNN (NMT_HAVE_DNNL); anything else goes to torch::matmul, as do bf16 tensors
// (ATen already sends those to oneDNN in one call). The sums may round differently from ATen's
// (about 1e-6 relative).
#pragma once

#include <torch/torch.h>

namespace nmt {

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b);

// Whether batched_matmul(a, b) takes the oneDNN path (tests).
bool batched_matmul_uses_onednn(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace nmt
