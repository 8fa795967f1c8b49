#include "nmt/model/seq2seq.h"

#include <cstdio>
#include <set>

namespace nmt {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "9.6M", "812.3K", "950".
std::string human_count(int64_t n) {
  char buf[32];
  if (n >= 1000000)
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 1000)
    std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

// The static rows new cache rows read, given old rows `idx` of a cache grouped by `group`:
// {static rows to keep, new group}. When the new rows come in runs of equal length that each
// read one static row, one static row per run is kept (the new group is the run length); else
// one per row (group 1).
std::pair<torch::Tensor, int64_t> grouped_static_rows(const torch::Tensor& idx, int64_t group) {
  const torch::Tensor slot = group == 1 ? idx : idx.div(group, "floor");  // [B'] old static row per row
  if (slot.numel() == 0) return {slot, 1};
  const auto runs = torch::unique_consecutive(slot, /*return_inverse=*/false, /*return_counts=*/true);
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

void Seq2SeqImpl::reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices) {
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
    if (count < 0 || rows.numel() != count || !rows.equal(torch::arange(count, rows.options()))) static_rows = rows;
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
      encoded.src_pad_mask = encoded.src_pad_mask.index_select(0, static_rows.to(encoded.src_pad_mask.device()));
  }
  // Attention kept for the previous step belongs to the old rows.
  if (cache.attention.defined()) cache.attention = cache.attention.index_select(0, idx.to(cache.attention.device()));
  if (cache.attention_layers.defined())
    cache.attention_layers = cache.attention_layers.index_select(0, idx.to(cache.attention_layers.device()));
}

int64_t Seq2SeqImpl::parameter_count() const {
  // A tensor registered under two names (shared embeddings) is counted once.
  std::set<const void*> seen;
  int64_t total = 0;
  for (const auto& p : parameters(/*recurse=*/true))
    if (seen.insert(p.unsafeGetTensorImpl()).second) total += p.numel();
  return total;
}

std::string Seq2SeqImpl::parameter_summary() const {
  // Groups by top-level submodule; every embedding table and the output projection count as
  // "embeddings" (with tied/shared embeddings they are one tensor anyway).
  std::vector<std::pair<std::string, int64_t>> groups;
  std::set<const void*> seen;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    if (!seen.insert(item.value().unsafeGetTensorImpl()).second) continue;
    std::string top = item.key().substr(0, item.key().find('.'));
    if (top.find("embed") != std::string::npos || top.find("output") != std::string::npos) top = "embeddings";
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == top; });
    if (it == groups.end()) {
      groups.emplace_back(top, 0);
      it = groups.end() - 1;
    }
    it->second += item.value().numel();
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return (a.first == "embeddings") > (b.first == "embeddings"); });
  std::string out = config_.arch + ": " + human_count(parameter_count()) + " parameters (";
  for (size_t i = 0; i < groups.size(); ++i)
    out += (i ? ", " : "") + groups[i].first + " " + human_count(groups[i].second);
  return out + ")";
}

}  // namespace nmt
