// Reference answers for search tests, computed by enumeration straight from a mock's scorer.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "decoding/mock_model.h"
#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/length_penalty.h"

namespace nmt::test {

// The scorer's log-probabilities for one (source, prefix), as the mock computes them.
inline std::vector<float> log_probs_of(const Scorer& scorer, const std::vector<int64_t>& source,
                                       const std::vector<int64_t>& prefix) {
  const torch::Tensor lp = torch::tensor(scorer(source, prefix)).unsqueeze(0).log_softmax(-1)[0];
  return std::vector<float>(lp.data_ptr<float>(), lp.data_ptr<float>() + lp.numel());
}

// Every output a search may produce for `source`: between min_len and max_len tokens other than
// pad/BOS/EOS, then EOS; scored from the scorer, best normalised score first.
inline std::vector<Hypothesis> enumerate_outputs(const Scorer& scorer, int64_t vocab,
                                                 const std::vector<int64_t>& source,
                                                 int64_t max_len, int64_t min_len,
                                                 const LengthPenalty& penalty) {
  std::vector<Hypothesis> all;
  std::function<void(Hypothesis&)> grow = [&](Hypothesis& h) {
    const std::vector<float> lp = log_probs_of(scorer, source, h.tokens);
    const int64_t n = static_cast<int64_t>(h.tokens.size());
    if (n >= min_len || n == max_len) {
      Hypothesis done = h;
      done.tokens.push_back(kEosId);
      done.token_log_probs.push_back(lp[kEosId]);
      done.log_prob = 0;
      for (float x : done.token_log_probs) done.log_prob += x;
      done.score = penalty.normalize(done.log_prob, static_cast<int64_t>(done.tokens.size()));
      all.push_back(done);
    }
    if (n == max_len) return;
    for (int64_t v = 0; v < vocab; ++v) {
      if (v == kPadId || v == kBosId || v == kEosId) continue;
      h.tokens.push_back(v);
      h.token_log_probs.push_back(lp[v]);
      grow(h);
      h.tokens.pop_back();
      h.token_log_probs.pop_back();
    }
  };
  Hypothesis root;
  grow(root);
  std::stable_sort(all.begin(), all.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
  return all;
}

// Greedy decoding straight from the scorer (argmax over allowed tokens each step).
inline Hypothesis reference_greedy(const Scorer& scorer, const std::vector<int64_t>& source,
                                   int64_t max_len, int64_t min_len) {
  Hypothesis h;
  while (true) {
    const std::vector<float> lp = log_probs_of(scorer, source, h.tokens);
    const int64_t n = static_cast<int64_t>(h.tokens.size());
    int64_t best = -1;
    for (int64_t v = 0; v < static_cast<int64_t>(lp.size()); ++v) {
      if (v == kPadId || v == kBosId) continue;
      if (v == kEosId && n < min_len && n < max_len) continue;
      if (v != kEosId && n >= max_len) continue;
      if (best < 0 || lp[v] > lp[best]) best = v;
    }
    h.tokens.push_back(best);
    h.token_log_probs.push_back(lp[best]);
    h.log_prob += lp[best];
    if (best == kEosId) return h;
  }
}

}  // namespace nmt::test
