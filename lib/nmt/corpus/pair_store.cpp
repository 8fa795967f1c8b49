#include "nmt/corpus/pair_store.h"

#include <algorithm>

#include "nmt/config/special_ids.h"

namespace nmt {

PairStore::PairStore(int64_t vocab_size, bool keep_text)
    : narrow_(vocab_size <= 65536), keep_text_(keep_text) {}

void PairStore::append(const std::vector<int32_t>& ids) {
  if (narrow_) {
    for (int32_t id : ids) ids16_.push_back(static_cast<uint16_t>(id));
  } else {
    ids32_.insert(ids32_.end(), ids.begin(), ids.end());
  }
}

void PairStore::add(int64_t index, const std::vector<int32_t>& src, const std::vector<int32_t>& tgt,
                    std::string_view src_text, std::string_view tgt_text) {
  const int64_t offset =
      narrow_ ? static_cast<int64_t>(ids16_.size()) : static_cast<int64_t>(ids32_.size());
  entries_.push_back(
      {index, offset, static_cast<int32_t>(src.size()), static_cast<int32_t>(tgt.size())});
  append(src);
  append(tgt);
  if (keep_text_) {
    text_offsets_.push_back(static_cast<int64_t>(text_.size()));
    text_.append(src_text);
    text_offsets_.push_back(static_cast<int64_t>(text_.size()));
    text_.append(tgt_text);
  }
}

void PairStore::clear() {
  // Assigning fresh vectors (not clear()) returns the memory of a window that is done.
  ids16_ = {};
  ids32_ = {};
  entries_ = {};
  text_ = {};
  text_offsets_ = {};
}

std::vector<int32_t> PairStore::src_ids(int64_t row) const {
  const Entry& e = entries_[row];
  std::vector<int32_t> ids(e.src_len);
  for (int32_t i = 0; i < e.src_len; ++i) ids[i] = id_at(e.offset + i);
  return ids;
}

std::vector<int32_t> PairStore::tgt_ids(int64_t row) const {
  const Entry& e = entries_[row];
  std::vector<int32_t> ids(e.tgt_len);
  for (int32_t i = 0; i < e.tgt_len; ++i) ids[i] = id_at(e.offset + e.src_len + i);
  return ids;
}

std::string_view PairStore::src_text(int64_t row) const {
  const auto begin = text_offsets_[2 * row], end = text_offsets_[2 * row + 1];
  return std::string_view(text_).substr(begin, end - begin);
}

std::string_view PairStore::tgt_text(int64_t row) const {
  const auto begin = text_offsets_[2 * row + 1];
  const auto end =
      row + 1 < size() ? text_offsets_[2 * row + 2] : static_cast<int64_t>(text_.size());
  return std::string_view(text_).substr(begin, end - begin);
}

Batch PairStore::make_batch(const std::vector<int64_t>& rows) const {
  const auto B = static_cast<int64_t>(rows.size());
  int64_t S = 1, T = 1;
  for (int64_t r : rows) {
    S = std::max<int64_t>(S, entries_[r].src_len + 1);
    T = std::max<int64_t>(T, entries_[r].tgt_len + 1);
  }
  Batch batch;
  batch.src = torch::full({B, S}, kPadId, torch::kInt64);      // [B, S]
  batch.tgt_in = torch::full({B, T}, kPadId, torch::kInt64);   // [B, T]
  batch.tgt_out = torch::full({B, T}, kPadId, torch::kInt64);  // [B, T]
  int64_t* src = batch.src.data_ptr<int64_t>();
  int64_t* tgt_in = batch.tgt_in.data_ptr<int64_t>();
  int64_t* tgt_out = batch.tgt_out.data_ptr<int64_t>();
  batch.ids.reserve(rows.size());
  for (int64_t b = 0; b < B; ++b) {
    const Entry& e = entries_[rows[b]];
    batch.ids.push_back(e.index);
    int64_t* s = src + b * S;
    for (int32_t i = 0; i < e.src_len; ++i) s[i] = id_at(e.offset + i);
    s[e.src_len] = kEosId;
    int64_t* ti = tgt_in + b * T;
    int64_t* to = tgt_out + b * T;
    ti[0] = kBosId;
    for (int32_t i = 0; i < e.tgt_len; ++i) {
      const int64_t id = id_at(e.offset + e.src_len + i);
      ti[i + 1] = id;
      to[i] = id;
    }
    to[e.tgt_len] = kEosId;
    batch.src_tokens += e.src_len + 1;
    batch.tgt_tokens += e.tgt_len + 1;
  }
  return batch;
}

size_t PairStore::memory_bytes() const {
  return ids16_.capacity() * sizeof(uint16_t) + ids32_.capacity() * sizeof(int32_t) +
         entries_.capacity() * sizeof(Entry) + text_.capacity() +
         text_offsets_.capacity() * sizeof(int64_t);
}

}  // namespace nmt
