#include "nmt/model/decoder_cache.h"

#include <algorithm>
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

// Rows `idx` of t along dim 0; a buffer with spare time capacity keeps it (see append_positions).
torch::Tensor select_rows(const torch::Tensor& t, const torch::Tensor& idx) {
  const int64_t capacity = t.dim() == 4 ? time_capacity(t) : 0;
  if (capacity <= (t.dim() == 4 ? t.size(2) : 0)) return t.index_select(0, idx);
  auto buffer = torch::empty({idx.size(0), t.size(1), capacity, t.size(3)}, t.options());
  auto view = buffer.narrow(2, 0, t.size(2));
  torch::index_select_out(view, t, 0, idx);
  return view;
}

constexpr int64_t kInitialTimeCapacity = 16;

}  // namespace

int64_t time_capacity(const torch::Tensor& t) {
  if (!t.defined() || t.dim() != 4) return t.defined() && t.dim() > 2 ? t.size(2) : 0;
  const int64_t d = t.size(3);
  if (t.size(0) == 0 || t.size(1) == 0 || d == 0 || t.stride(3) != 1 || t.stride(2) != d ||
      t.stride(1) % d != 0 || t.stride(0) != t.stride(1) * t.size(1))
    return t.size(2);
  const int64_t capacity = t.stride(1) / d;
  // The buffer must really extend that far (a view of something else could have these strides).
  const int64_t needed = t.storage_offset() + t.size(0) * t.stride(0);
  if (capacity < t.size(2) ||
      static_cast<size_t>(needed) * t.element_size() > t.storage().nbytes())
    return t.size(2);
  return capacity;
}

torch::Tensor append_positions(const torch::Tensor& cached, const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4, "append_positions: expected [B, H, T, d_k], got ", x.sizes());
  const int64_t b = x.size(0), h = x.size(1), t = x.size(2), d = x.size(3);
  const int64_t used = cached.defined() ? cached.size(2) : 0;
  if (cached.defined())
    TORCH_CHECK(cached.size(0) == b && cached.size(1) == h && cached.size(3) == d,
                "append_positions: cache ", cached.sizes(), " and new positions ", x.sizes());
  const int64_t capacity = cached.defined() ? time_capacity(cached) : 0;
  torch::Tensor out;
  if (used + t <= capacity) {
    out = cached.as_strided({b, h, used + t, d}, cached.strides(), cached.storage_offset());
  } else {
    const int64_t grown = std::max({kInitialTimeCapacity, 2 * capacity, used + t});
    auto buffer = torch::empty({b, h, grown, d}, x.options());
    out = buffer.narrow(2, 0, used + t);
    if (used > 0) out.narrow(2, 0, used).copy_(cached);
  }
  out.narrow(2, used, t).copy_(x);
  return out;
}

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
    tensor = select_rows(tensor, idx.to(tensor.device()));
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
