// Real tiny transformers with random weights for search tests, and source batches of id lists.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nmt/decoding/search.h"
#include "nmt/model/seq2seq.h"
#include "support/tiny_config.h"

namespace nmt::test {

// A random model made decisive (weights x3), so float rounding differences between batch shapes
// do not flip near-tied tokens.
inline Seq2Seq random_model(uint64_t seed, int64_t vocab) {
  torch::manual_seed(seed);
  Seq2Seq model = make_model(tiny_model_shape(), vocab, vocab);
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.mul_(3.0);
  model->eval();
  return model;
}

// The padded CPU source batch of `rows` (make_source_batch).
inline torch::Tensor batch_of(const std::vector<std::vector<int64_t>>& rows) {
  std::vector<const std::vector<int64_t>*> ptrs;
  for (const auto& r : rows) ptrs.push_back(&r);
  return make_source_batch(ptrs, torch::kCPU);
}

}  // namespace nmt::test
