// TokenBatcher: the BatchSource the trainer and validator pull from. It reads a ParallelCorpus,
// tokenizes, filters by length, and cuts length-bucketed batches under a token budget.
//
// Memory: a corpus of at most `shuffle_buffer` pairs is tokenized once and held in memory
// (PairStore, ~2 bytes per piece). A larger corpus is streamed in windows of that many pairs,
// re-read from disk every epoch, so memory does not grow with the corpus. Bucketing and shuffling
// happen within a window; windows come in file order (shuffle a huge corpus once beforehand).
//
// Determinism: every epoch's batches are a function of (seed, epoch) and the data, so
// seek({e, k}) yields exactly the batches a fresh run yields after its k-th batch of epoch e.
// Every kept pair appears exactly once per epoch.
//
// Sharding: rank r of W gets batches r, r+W, r+2W, ... of each window's plan; each window's batch
// count is made a multiple of W by splitting, so ranks get equal counts (unless a window holds
// fewer pairs than ranks). positions count this rank's batches.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/corpus/batch.h"
#include "nmt/corpus/batch_plan.h"
#include "nmt/corpus/corpus_stats.h"
#include "nmt/corpus/pair_store.h"
#include "nmt/corpus/parallel_corpus.h"
#include "nmt/text/tokenizer.h"

namespace nmt {

struct BatcherOptions {
  int64_t batch_tokens = 4096;  // padded tokens per batch: rows * max(src width, tgt width)
  int64_t max_length = 128;     // drop pairs with a side over this many pieces (0 = no limit)
  double max_length_ratio =
      3.0;                 // drop pairs whose longer/shorter side ratio exceeds this (0 = off)
  bool skip_empty = true;  // drop pairs with an empty side (else they batch as EOS only)
  bool skip_invalid_utf8 = false;    // drop and count invalid UTF-8 instead of failing
  int64_t shuffle_buffer = 1000000;  // pairs per window; a corpus within one window stays in memory
  bool shuffle = true;               // false: fixed length order, no randomness
  double sampling_alpha = 0.0;  // > 0: resample segmentations every epoch (subword regularization)
  uint64_t seed = 1234;         // with the epoch, fixes shuffling and sampling
  int64_t rank = 0;             // this process's shard, in [0, world_size)
  int64_t world_size = 1;       // data-parallel processes sharing the epoch
  std::string name = "train";   // names the source in log lines
};

// Options for training batches from the data section (plus the run's seed and this rank).
BatcherOptions training_batcher_options(const DataConfig& data, uint64_t seed, int64_t rank = 0,
                                        int64_t world_size = 1);

class TokenBatcher : public BatchSource {
 public:
  // Opens the corpus (tgt_path "" = src_path is a TSV) and reads its first window; a corpus that
  // fits is fully loaded, validated and counted here. Throws DataError for bad data, ConfigError
  // when the budget cannot hold a pair of max_length pieces.
  TokenBatcher(const std::string& src_path, const std::string& tgt_path,
               std::shared_ptr<const Tokenizer> src_tokenizer,
               std::shared_ptr<const Tokenizer> tgt_tokenizer, BatcherOptions options);

  void seek(const DataPosition& position) override;
  std::optional<Batch> next() override;
  DataPosition position() const override { return position_; }

  // Counts of one complete pass (after construction when in memory, else after the first full
  // pass; until then, the counts so far). Thread-safe, unlike the BatchSource methods.
  CorpusStats stats() const;
  bool stats_complete() const;
  // Real / padded tokens over the batches handed out in the current epoch. Thread-safe.
  PaddingStats padding() const;
  bool in_memory() const { return in_memory_; }
  const BatcherOptions& options() const { return options_; }

 private:
  void rewind();
  bool read_window();
  bool next_window();
  void add_pair(const RawPair& pair);
  void resample();
  void plan_window();
  const PairStore& batch_store() const { return options_.sampling_alpha > 0 ? sampled_ : window_; }

  BatcherOptions options_;
  std::shared_ptr<const Tokenizer> src_tok_, tgt_tok_;
  std::unique_ptr<ParallelCorpus> corpus_;
  std::optional<RawPair> pending_;  // read ahead, to know a window ended with the corpus
  bool in_memory_ = false;
  bool pass_done_ = false;  // the reader reached the end in this pass
  CorpusStats pass_stats_;  // the tokenizer-side counts of this pass

  PairStore window_;                        // best segmentations (+ text when sampling)
  PairStore sampled_;                       // this epoch's sampled segmentations of window_
  int64_t window_index_ = -1;               // which window of the pass window_ holds
  int64_t epoch_window_ = -1;               // which window the current epoch is batching
  std::vector<std::vector<int64_t>> plan_;  // this rank's batches of that window
  size_t plan_pos_ = 0;
  DataPosition position_;
  bool epoch_end_logged_ = false;

  mutable std::mutex stats_mutex_;
  CorpusStats stats_;
  bool stats_complete_ = false;
  PaddingStats padding_;
};

}  // namespace nmt
