#include "nmt/corpus/data_sources.h"

#include "nmt/util/error.h"

namespace nmt {

std::unique_ptr<Prefetcher> make_training_batches(const DataConfig& data, const Vocabularies& vocab,
                                                  uint64_t seed, int64_t rank, int64_t world_size) {
  if (data.train_src.empty()) throw ConfigError("data.train_src is empty: no training data");
  auto batcher =
      std::make_unique<TokenBatcher>(data.train_src, data.train_tgt, vocab.src, vocab.tgt,
                                     training_batcher_options(data, seed, rank, world_size));
  return std::make_unique<Prefetcher>(std::move(batcher), data.prefetch);
}

}  // namespace nmt
