// apply_dropout: dropout whose mask costs almost nothing on the CPU (named apart from
// at::dropout, which argument-dependent lookup would otherwise make ambiguous).
//
// torch::dropout draws one Bernoulli sample per element from the CPU generator, serially under
// its lock (LibTorch builds without MKL, like Debian's, have no vectorised path): on a small
// transformer that is a third of a training step. Here the mask comes from a counter-based hash
// of (seed, element index), vectorised, computed in parallel and fused with the scaling, and is
// never stored: backward recomputes it from the seed. The seed is one 64-bit draw from the torch
// CPU generator per call, so a run is reproducible from torch::manual_seed and a resumed run
// (generator state restored) draws the same masks. Keep probability is quantised to 1/65536.
//
// CUDA tensors and dtypes other than float32/bfloat16 use torch::dropout.
#pragma once

#include <torch/torch.h>

namespace nmt {

// In training: each element kept with probability 1 - p and scaled by 1 / (1 - p), else zeroed.
// Outside training, or with p == 0, returns x itself. p in [0, 1).
torch::Tensor apply_dropout(const torch::Tensor& x, double p, bool training);

}  // namespace nmt
