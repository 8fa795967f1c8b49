// Length bucketing under a token budget: which pairs of a window go into which batch, and in what
// order the batches come. Pure and deterministic (a function of lengths, options and seed), so a
// resumed run can recompute exactly the plan a fresh run used.
#pragma once

#include <cstdint>
#include <vector>

namespace nmt {

// A pair's widths as batched: source pieces + EOS, target pieces + 1 (BOS in, EOS out).
struct PairWidth {
  int32_t src = 0;
  int32_t tgt = 0;
};

struct PlanOptions {
  int64_t batch_tokens = 4096;  // budget: rows * max(widest source, widest target) <= this
  bool shuffle = true;          // random tie order and batch order from the seed; false: pure
                                // length order, shortest first (validation)
  int64_t multiple_of = 1;      // split batches until their number is a multiple of this (ranks),
                                // so every rank gets the same number from each window
};

// Groups pairs 0..n-1 into batches of row indices:
//   1. order the pairs by width (max of source and target, then source, then target); with
//      shuffle, equal widths in a random order so batches differ between epochs;
//   2. cut that order greedily into batches that fit the budget (a pair wider than the budget
//      alone makes a batch of its own, the only case a batch exceeds it);
//   3. with multiple_of > 1, halve the batches with the most rows until the count divides;
//   4. with shuffle, shuffle the batch order.
std::vector<std::vector<int64_t>> plan_batches(const std::vector<PairWidth>& widths,
                                               const PlanOptions& options, uint64_t seed);

// Derives independent seeds for (epoch, window, purpose) from the run's seed (splitmix64).
uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0);

}  // namespace nmt
