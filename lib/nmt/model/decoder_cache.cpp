#include "nmt/model/decoder_cache.h"

#include <utility>

#include "nmt/model/seq2seq.h"

namespace nmt {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The static rows new cache rows read, given old rows `idx` of a cache grouped by `group`:
// {static rows to keep, new group}. When the new rows come in runs of equal length that each
// read one static row, one static row per run is kept (the new group is the run length); else
// one per row (group 1).
std::pair<torch::Tensor, int64_t> grouped_static_rows(const torch::Tensor& idx, int64_t group) {
  const torch::Tensor slot =
      group == 1 ? idx : idx.div(group, "floor");  // [B'] old static row per row
  if (slot.numel() == 0) return {slot, 1};
  const auto runs =
      torch::unique_consecutive(slot, /*return_inverse=*/false, /*return_counts=*/true);
  const torch::Tensor& firsts = std::get<0>(runs);
  const torch::Tensor counts = std::get<2>(runs).cpu();
  const int64_t run = counts[0].item<int64_t>();
  if (counts.eq(run).all().item<bool>()) return {firsts, run};
  return {slot, 1};
}

// Rows of the static entries (or of `encoded`), -1 when there is none.
int64_t static_row_count(const DecoderCache& cache, const EncoderOutput& encoded) {
  for (const auto& [name, tensor] : cache.tensors)
    if (tensor.defined() && starts_with(name, DecoderCache::kStaticPrefix)) return tensor.size(0);
  return encoded.memory.defined() ? encoded.memory.size(0) : -1;
}

}  // namespace

void reorder_cache_rows(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices) {
  TORCH_CHECK(indices.dim() == 1, "reorder: indices must be 1-d, got ", indices.sizes());
  const auto idx = indices.to(torch::kLong);
  // Beam search reorders hypotheses within their sentence: each row keeps its source, so the
  // source-only entries (cross-attention keys/values, often the largest) need no copy.
  bool same_sources = false;
  auto row = cache.tensors.find(DecoderCache::kSourceRowKey);
  if (row != cache.tensors.end()) {
    auto new_rows = row->second.index_select(0, idx.to(row->second.device()));
    same_sources = new_rows.size(0) == row->second.size(0) && new_rows.equal(row->second);
    row->second = new_rows;
  }
  // The rows of the static entries and of `encoded` to keep (undefined: keep them as they are).
  // A row that keeps its source can keep reading the same static row, whatever the grouping.
  torch::Tensor static_rows;
  if (!same_sources && cache.groupable) {
    auto [rows, group] = grouped_static_rows(idx, cache.group);
    const int64_t count = static_row_count(cache, encoded);
    // E.g. beam search's first reorder, each sentence's row repeated K times: the static rows
    // stay, only the grouping changes.
    if (count < 0 || rows.numel() != count || !rows.equal(torch::arange(count, rows.options())))
      static_rows = rows;
    cache.group = group;
  } else if (!same_sources) {
    static_rows = idx;
  }
  for (auto& [name, tensor] : cache.tensors) {
    if (name == DecoderCache::kSourceRowKey || !tensor.defined()) continue;
    if (starts_with(name, DecoderCache::kStaticPrefix)) {
      if (static_rows.defined()) tensor = tensor.index_select(0, static_rows.to(tensor.device()));
      continue;
    }
    tensor = tensor.index_select(0, idx.to(tensor.device()));
  }
  if (static_rows.defined()) {
    if (encoded.memory.defined())
      encoded.memory = encoded.memory.index_select(0, static_rows.to(encoded.memory.device()));
    if (encoded.src_pad_mask.defined())
      encoded.src_pad_mask =
          encoded.src_pad_mask.index_select(0, static_rows.to(encoded.src_pad_mask.device()));
  }
  // Attention kept for the previous step belongs to the old rows.
  if (cache.attention.defined())
    cache.attention = cache.attention.index_select(0, idx.to(cache.attention.device()));
  if (cache.attention_layers.defined())
    cache.attention_layers =
        cache.attention_layers.index_select(0, idx.to(cache.attention_layers.device()));
}

}  // namespace nmt
