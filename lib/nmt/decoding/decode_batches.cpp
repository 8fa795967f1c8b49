#include "nmt/decoding/decode_batches.h"

#include <algorithm>
#include <numeric>

namespace nmt {

std::vector<std::vector<size_t>> make_decode_batches(const std::vector<int64_t>& lengths,
                                                     int64_t batch_tokens, int64_t max_sentences) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable: equal lengths keep input order, so the plan is deterministic.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });

  std::vector<std::vector<size_t>> batches;
  std::vector<size_t> current;
  int64_t longest = 0;  // of `current`; the first sentence added is its longest
  for (size_t i : order) {
    const int64_t len = std::max<int64_t>(lengths[i], 1);
    const int64_t n = static_cast<int64_t>(current.size());
    const bool over_budget = (n + 1) * std::max(longest, len) > batch_tokens;
    const bool over_count = max_sentences > 0 && n + 1 > max_sentences;
    if (!current.empty() && (over_budget || over_count)) {
      batches.push_back(std::move(current));
      current.clear();
      longest = 0;
    }
    current.push_back(i);
    longest = std::max(longest, len);
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

}  // namespace nmt
