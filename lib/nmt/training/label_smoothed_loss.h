// Label-smoothed cross-entropy, fairseq's formulation:
//
//   loss_i = (1 - eps) * nll_i + eps / V * smooth_i,   nll_i = -log p(y_i),  smooth_i = -sum_v log
//   p(v)
//
// summed over the non-padding target positions. Sums (not means) are returned together with the
// token count, so the trainer can normalise by the target tokens of a whole update however many
// batches (gradient accumulation) or processes (data parallel) contributed to it.
//
// Shapes: N = target positions (B * T flattened), V = vocabulary.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "nmt/config/special_ids.h"

namespace nmt {

struct LossSums {
  torch::Tensor loss;  // [] float32: summed label-smoothed loss (differentiable)
  torch::Tensor nll;   // [] float32: summed negative log-likelihood (no gradient)
  int64_t tokens = 0;  // target positions that are not padding
};

// logits [..., V] (any floating dtype; computed in float32) and target [...] int64 of the same
// leading shape. Positions whose target is `pad_id` contribute neither loss nor gradient.
// epsilon in [0, 1): 0 is plain cross-entropy.
//
// One pass over [N, V] forward (logsumexp and row sums, float32) and one backward
// (softmax - (1 - eps) * onehot - eps / V, written straight into the gradient), instead of
// autograd's log_softmax + gather + sum chain, which materialises [N, V] three times. Both passes
// run over chunks of rows (16 MiB of float32 at a time), so bf16 logits never get a full float32
// copy: the gradient is the only other [N, V] tensor, in the logits' dtype.
LossSums label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& target,
                             double epsilon, int64_t pad_id = kPadId);

// The same quantity with plain autograd ops (log_softmax, gather, sum): the reference the tests
// compare label_smoothed_loss against, value and gradient.
LossSums label_smoothed_loss_reference(const torch::Tensor& logits, const torch::Tensor& target,
                                       double epsilon, int64_t pad_id = kPadId);

}  // namespace nmt
