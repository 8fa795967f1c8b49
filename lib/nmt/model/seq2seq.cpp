#include "nmt/model/seq2seq.h"

#include <cstdio>
#include <set>

namespace nmt {

namespace {

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

}  // namespace

void Seq2SeqImpl::reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices) {
  reorder_cache_rows(cache, encoded, indices);
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
