// Scaled dot-product attention for the few query positions of a decoding step, as one fused CPU
// kernel: scores, mask, softmax and the weighted sum of values per (batch row, head), in float32
// whatever the input dtype. At a step LibTorch's generic path (matmul, add, softmax, matmul) costs
// far more than its arithmetic: fp32 bmm without MKL runs one small GEMM call per batch row and
// head, and every op dispatches and allocates.
//
// Each (row, head) is computed on its own, so the result does not depend on the other rows of the
// batch. AttentionScores uses it in inference for scaled_dot scoring when the weights are not
// asked for; training and teacher-forced passes keep the generic path.
#pragma once

#include <torch/torch.h>

namespace nmt {

// True when step_attention() handles these inputs: CPU float32 or bfloat16 tensors, q [B, H, T, d]
// with T <= 64 (a step: 1 query, or beam search's K grouped queries per source), k and v
// [B, H, S, d] with unit stride along d, no gradients, bias undefined or float32 broadcastable to
// [B, H, T, S].
bool step_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            const torch::Tensor& bias);

// softmax(q k^T * scale + bias) v: [B, H, T, d], contiguous, in q's dtype.
torch::Tensor step_attention(const torch::Tensor& q, const torch::Tensor& k,
                             const torch::Tensor& v, const torch::Tensor& bias, double scale);

}  // namespace nmt
