// The two BatchSources a training run needs, built from the data section of its config: what the
// trainer and validator call instead of wiring TokenBatcher and Prefetcher themselves.
#pragma once

#include <cstdint>
#include <memory>

#include "nmt/config/config.h"
#include "nmt/corpus/prefetcher.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/corpus/vocabularies.h"

namespace nmt {

// data.train_src/train_tgt (or the TSV in train_src) batched with data.* options, seeded with the
// run's seed, this rank's shard, prepared data.prefetch batches ahead on a background thread.
// The TokenBatcher (stats, padding) is reachable as source() of the result.
std::unique_ptr<Prefetcher> make_training_batches(const DataConfig& data, const Vocabularies& vocab, uint64_t seed,
                                                  int64_t rank = 0, int64_t world_size = 1);

// data.valid_src/valid_tgt in a fixed length order, every line kept (ids = line numbers - 1);
// nullptr when data.valid_src is empty.
std::unique_ptr<TokenBatcher> make_validation_batches(const DataConfig& data, const Vocabularies& vocab);

}  // namespace nmt
