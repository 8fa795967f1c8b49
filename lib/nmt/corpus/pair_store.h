// PairStore: tokenized sentence pairs packed for memory: all ids in one flat array (16-bit when
// the vocabulary has at most 65536 pieces, else 32-bit) plus 24 bytes per pair. A million
// Multi30k-like pairs take ~80 MB instead of the ~1 GB of a vector<vector<int64_t>> per side.
// Optionally it keeps the raw text too, for re-sampling segmentations every epoch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/corpus/batch.h"

namespace nmt {

class PairStore {
 public:
  // `vocab_size`: the larger of the two vocabularies (picks 16- or 32-bit storage).
  // `keep_text`: also store each pair's source and target text (for subword sampling).
  explicit PairStore(int64_t vocab_size, bool keep_text = false);

  // Appends a pair: its corpus index, piece ids (no EOS/BOS) and, with keep_text, its text.
  void add(int64_t index, const std::vector<int32_t>& src, const std::vector<int32_t>& tgt,
           std::string_view src_text = {}, std::string_view tgt_text = {});
  void clear();
  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  bool keeps_text() const { return keep_text_; }

  int64_t index(int64_t row) const { return entries_[row].index; }
  int32_t src_length(int64_t row) const { return entries_[row].src_len; }  // pieces, no EOS
  int32_t tgt_length(int64_t row) const { return entries_[row].tgt_len; }
  std::vector<int32_t> src_ids(int64_t row) const;
  std::vector<int32_t> tgt_ids(int64_t row) const;
  std::string_view src_text(int64_t row) const;  // only with keep_text
  std::string_view tgt_text(int64_t row) const;

  // The padded batch of `rows` (positions in this store), in that order:
  //   src     [B, S] = ids + EOS, S = longest source + 1
  //   tgt_in  [B, T] = BOS + ids, T = longest target + 1
  //   tgt_out [B, T] = ids + EOS
  Batch make_batch(const std::vector<int64_t>& rows) const;

  // Bytes held (ids, per-pair records and text), for memory reports.
  size_t memory_bytes() const;

 private:
  struct Entry {
    int64_t index;   // position in the corpus
    int64_t offset;  // first source id in the flat id array; the target follows
    int32_t src_len;
    int32_t tgt_len;
  };
  int32_t id_at(int64_t pos) const { return narrow_ ? ids16_[pos] : ids32_[pos]; }
  void append(const std::vector<int32_t>& ids);

  bool narrow_;
  bool keep_text_;
  std::vector<uint16_t> ids16_;
  std::vector<int32_t> ids32_;
  std::vector<Entry> entries_;
  std::string text_;                   // src and tgt of every pair, back to back
  std::vector<int64_t> text_offsets_;  // 2 per pair: start of src, start of tgt; end = next start
};

}  // namespace nmt
