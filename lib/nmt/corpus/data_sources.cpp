#include "nmt/corpus/data_sources.h"

#include "nmt/util/error.h"

namespace nmt {

std::unique_ptr<Prefetcher> make_training_batches(const DataConfig& data, const Vocabularies& vocab, uint64_t seed,
                                                  int64_t rank, int64_t world_size) {
  if (data.train_src.empty()) throw ConfigError("data.train_src is empty: no training data");
  auto batcher = std::make_unique<TokenBatcher>(data.train_src, data.train_tgt, vocab.src, vocab.tgt,
                                                training_batcher_options(data, seed, rank, world_size));
  return std::make_unique<Prefetcher>(std::move(batcher), data.prefetch);
}

std::unique_ptr<TokenBatcher> make_validation_batches(const DataConfig& data, const Vocabularies& vocab) {
  if (data.valid_src.empty()) return nullptr;
  if (data.valid_tgt.empty())
    throw ConfigError("data.valid_src is set but data.valid_tgt is empty (validation needs references)");
  return std::make_unique<TokenBatcher>(data.valid_src, data.valid_tgt, vocab.src, vocab.tgt,
                                        validation_batcher_options(data));
}

}  // namespace nmt
