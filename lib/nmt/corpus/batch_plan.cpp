#include "nmt/corpus/batch_plan.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace nmt {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Fisher-Yates with our own index draw: std::shuffle's use of the engine is unspecified, and
// the plan must be the same with every standard library.
template <class T>
void shuffle_in_place(std::vector<T>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

int64_t width(const PairWidth& w) { return std::max(w.src, w.tgt); }

}  // namespace

uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  return splitmix64(splitmix64(splitmix64(splitmix64(seed) ^ a) ^ b) ^ c);
}

std::vector<std::vector<int64_t>> plan_batches(const std::vector<PairWidth>& widths,
                                               const PlanOptions& options, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> order(widths.size());
  std::iota(order.begin(), order.end(), 0);
  if (options.shuffle) shuffle_in_place(order, rng);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const PairWidth &x = widths[a], &y = widths[b];
    const int64_t wx = width(x), wy = width(y);
    if (wx != wy) return wx < wy;
    if (x.src != y.src) return x.src < y.src;
    return x.tgt < y.tgt;
  });

  std::vector<std::vector<int64_t>> batches;
  std::vector<int64_t> current;
  int64_t current_width = 0;
  for (int64_t row : order) {
    const int64_t w = std::max(current_width, width(widths[row]));
    if (!current.empty() && static_cast<int64_t>(current.size() + 1) * w > options.batch_tokens) {
      batches.push_back(std::move(current));
      current.clear();
      current_width = 0;
    }
    current.push_back(row);
    current_width = std::max(current_width, width(widths[row]));
  }
  if (!current.empty()) batches.push_back(std::move(current));

  if (options.multiple_of > 1) {
    while (batches.size() % static_cast<size_t>(options.multiple_of) != 0) {
      auto largest =
          std::max_element(batches.begin(), batches.end(),
                           [](const auto& a, const auto& b) { return a.size() < b.size(); });
      if (largest->size() < 2) break;  // fewer pairs than ranks: some ranks get one batch less
      const auto half = static_cast<std::ptrdiff_t>(largest->size() / 2);
      std::vector<int64_t> second(largest->begin() + half, largest->end());
      largest->resize(static_cast<size_t>(half));
      batches.insert(largest + 1, std::move(second));
    }
  }
  if (options.shuffle) shuffle_in_place(batches, rng);
  return batches;
}

}  // namespace nmt
