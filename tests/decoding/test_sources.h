// Random source sentences for search tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace nmt::test {

// n sentences of 1..max_len tokens drawn from ids 4..vocab-1.
inline std::vector<std::vector<int64_t>> random_sources(int n, int64_t vocab, uint64_t seed,
                                                        int max_len = 9) {
  std::mt19937_64 gen(seed);
  std::vector<std::vector<int64_t>> out(n);
  for (auto& s : out) {
    s.resize(1 + gen() % max_len);
    for (auto& t : s) t = 4 + static_cast<int64_t>(gen() % (vocab - 4));
  }
  return out;
}

}  // namespace nmt::test
