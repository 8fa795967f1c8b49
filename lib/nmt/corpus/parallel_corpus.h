// ParallelCorpus: reads sentence pairs from two line-aligned files (source, target) or from one
// TSV file of `source<TAB>target` lines, plain or gzip, streaming. It validates as it reads:
//   - a missing or unreadable file           -> DataError naming the path (at construction)
//   - files with different line counts       -> DataError naming both files and their counts
//                                               (util/line_counts.h)
//   - invalid UTF-8                          -> DataError "FILE:LINE: invalid UTF-8 at byte N"
//                                               (util/error_location.h), or dropped and
//                                               counted (skip_invalid_utf8)
//   - a TSV line without exactly one TAB     -> DataError naming file and line
//   - an empty or whitespace-only side       -> dropped and counted (skip_empty)
// Length filters need pieces, so they happen after tokenization (token_batcher.h).
#pragma once

#include <cstdint>
#include <string>

#include "nmt/corpus/corpus_stats.h"
#include "nmt/corpus/line_reader.h"

namespace nmt {

// A sentence pair as read, before tokenization.
struct RawPair {
  std::string src;
  std::string tgt;
  int64_t index = 0;  // 0-based position of the pair in the corpus (its line number - 1)
};

struct ParallelCorpusOptions {
  bool skip_empty = true;          // drop and count pairs with an empty or whitespace-only side
  bool skip_invalid_utf8 = false;  // drop and count pairs with invalid UTF-8 instead of failing
};

class ParallelCorpus {
 public:
  // Two aligned files; or, with `tgt_path` empty, `src_path` is a TSV file.
  ParallelCorpus(const std::string& src_path, const std::string& tgt_path,
                 ParallelCorpusOptions options = {});

  // The next pair that passes validation, false at the end of the corpus.
  bool next(RawPair& pair);
  // Starts again from the first pair (the counts start again too).
  void rewind();

  // Counts since construction or the last rewind: pairs_read, empty, invalid_utf8.
  const CorpusStats& stats() const { return stats_; }
  // "train.en + train.de" or "train.tsv", for log lines.
  std::string name() const;
  bool is_tsv() const { return !tgt_; }

 private:
  bool read_pair(RawPair& pair);
  // `offset`: where `text` starts in the reader's line (a TSV target follows the source).
  bool check_utf8(const std::string& text, const LineReader& reader, size_t offset = 0);

  ParallelCorpusOptions options_;
  std::unique_ptr<LineReader> src_;
  std::unique_ptr<LineReader> tgt_;  // null for TSV
  CorpusStats stats_;
  std::string line_;
};

}  // namespace nmt
