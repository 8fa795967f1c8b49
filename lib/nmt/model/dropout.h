// Dropout for the model's hot path. Same semantics as torch::dropout (inverted dropout: kept
// elements scaled by 1/(1-p), identity outside training), but its mask comes from a
// counter-based generator (splitmix64 of seed + element index) run in parallel, instead of
// ATen's CPU bernoulli_, which draws every element serially from the locked global generator
// (measured at ~18% of a bf16 training step of the small preset on this project's CPU).
//
// The seed is drawn from LibTorch's default generator, so torch::manual_seed makes runs
// repeatable, and the mask does not depend on the number of threads. p is resolved to 1/65536.
#pragma once

#include <torch/torch.h>

namespace nmt {

// x (any floating dtype, any shape), p in [0, 1) -> x * mask / (1 - p) when training, else x.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training);

// dropout(relu(x), p, training), with the same values, gradients and mask draws, but keeping
// only the output for backward (the feed-forward's largest saved activations: 1 tensor of
// [tokens, ff] instead of 3).
torch::Tensor relu_dropout(const torch::Tensor& x, double p, bool training);

// The scaled mask itself: x's shape and dtype, each element 0 (probability p) or 1/(1-p).
torch::Tensor dropout_mask(const torch::Tensor& like, double p);

}  // namespace nmt
