// Groups sentences into decoding batches under a token budget. Sentences are sorted by length
// so each batch holds similar lengths (little padding), and the budget counts padding: a batch
// of n sentences whose longest has L tokens costs n * L. Which batch a sentence lands in never
// changes its translation (padding is masked), only the speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nmt {

// lengths[i]: tokens of sentence i (padding unit). Returns batches of sentence indices, longest
// sentences first (so the peak memory is reached at once, not after an hour); within a batch,
// indices follow that order. Every index appears in exactly one batch; a sentence longer than
// the budget gets a batch of its own. max_sentences > 0 also caps the sentences per batch.
std::vector<std::vector<size_t>> make_decode_batches(const std::vector<int64_t>& lengths,
                                                     int64_t batch_tokens,
                                                     int64_t max_sentences = 0);

}  // namespace nmt
