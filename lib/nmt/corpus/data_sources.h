// The BatchSource a training run trains on, built from the data section of its config: what
// `nmt train` calls instead of wiring TokenBatcher and Prefetcher itself. (The validation set is
// read by read_validation_set and batched by the Validator: training/validator.h.)
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
std::unique_ptr<Prefetcher> make_training_batches(const DataConfig& data, const Vocabularies& vocab,
                                                  uint64_t seed, int64_t rank = 0,
                                                  int64_t world_size = 1);

}  // namespace nmt
