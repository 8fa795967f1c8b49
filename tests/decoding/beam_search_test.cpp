// Beam search: exactness on enumerable mocks, agreement with greedy and forced decoding, n-best
// lists, length limits, and independence from the batch a sentence is decoded in.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numeric>
#include <set>

#include "decoding/brute_force.h"
#include "decoding/mock_model.h"
#include "decoding/test_sources.h"
#include "nmt/decoding/beam_search.h"
#include "nmt/decoding/forced_decoding.h"
#include "nmt/decoding/greedy_search.h"

using namespace nmt;
using namespace nmt::test;

namespace {

void expect_same(const Hypothesis& a, const Hypothesis& b, const std::string& what) {
  EXPECT_EQ(a.tokens, b.tokens) << what;
  EXPECT_EQ(a.token_log_probs, b.token_log_probs) << what;
  EXPECT_EQ(a.log_prob, b.log_prob) << what;
  EXPECT_EQ(a.score, b.score) << what;
  EXPECT_EQ(a.attention.defined(), b.attention.defined()) << what;
  if (a.attention.defined() && b.attention.defined()) {
    EXPECT_TRUE(a.attention.equal(b.attention)) << what;
  }
}

// Probabilities -> logits for a hand-written scorer (unlisted tokens get probability ~1e-6).
std::vector<float> logits_from(int64_t vocab,
                               std::initializer_list<std::pair<int64_t, double>> probs) {
  std::vector<float> l(vocab, std::log(1e-6f));
  for (auto [t, p] : probs) l[t] = static_cast<float>(std::log(p));
  return l;
}

// Tokens of the garden-path mock.
constexpr int64_t A = 4, B = 5, C = 6;

}  // namespace

TEST(BeamSearch, BeamOneEqualsGreedy) {
  const int64_t V = 11;
  for (uint64_t seed : {1, 2, 3}) {
    MockModel model(V, random_scorer(V, seed));
    SearchOptions o;
    o.beam = 1;
    o.keep_attention = true;
    const torch::Tensor src = source_batch(random_sources(16, V, seed + 10));
    const auto greedy = greedy_search(*model, src, o);
    const auto beam = beam_search(*model, src, o);
    ASSERT_EQ(beam.size(), greedy.size());
    for (size_t i = 0; i < greedy.size(); ++i) {
      ASSERT_EQ(beam[i].size(), 1u);
      expect_same(beam[i][0], greedy[i],
                  "seed " + std::to_string(seed) + " sentence " + std::to_string(i));
    }
  }
}

TEST(BeamSearch, FindsTheGardenPathGreedyMisses) {
  // Greedy takes A (0.5) and then finds nothing good; B (0.4) then EOS (0.95) is the best output.
  const int64_t V = 7;
  auto scorer = [V](const std::vector<int64_t>&, const std::vector<int64_t>& prefix) {
    if (prefix.empty()) return logits_from(V, {{A, 0.5}, {B, 0.4}, {C, 0.0999}});
    if (prefix == std::vector<int64_t>{A})
      return logits_from(V, {{A, 0.26}, {B, 0.25}, {C, 0.25}, {kEosId, 0.24}});
    if (prefix == std::vector<int64_t>{B}) return logits_from(V, {{kEosId, 0.95}, {A, 0.05}});
    return logits_from(V, {{kEosId, 0.99}, {C, 0.01}});
  };
  MockModel model(V, scorer);
  SearchOptions o;
  o.beam = 2;
  o.length_penalty = {LengthPenaltyType::none, 0.0};
  o.max_length_a = 0;
  o.max_length_b = 4;
  const torch::Tensor src = source_batch({{A, B}});
  const auto brute = enumerate_outputs(scorer, V, {A, B}, 4, 0, o.length_penalty);
  EXPECT_EQ(brute.front().tokens, (std::vector<int64_t>{B, kEosId}));
  EXPECT_NE(greedy_search(*model, src, o)[0].tokens, brute.front().tokens);
  const auto beam = beam_search(*model, src, o);
  EXPECT_EQ(beam[0][0].tokens, brute.front().tokens);
  EXPECT_NEAR(beam[0][0].log_prob, brute.front().log_prob, 1e-6);
}

TEST(BeamSearch, ExhaustiveBeamReturnsTheBruteForceNBest) {
  // V = 7 leaves 4 choosable tokens besides EOS (unk and 4..6); at most 3 of them: 85 outputs.
  // A beam of 200 keeps every prefix, so its n-best list must be the enumeration's top n, under
  // every length penalty.
  const int64_t V = 7;
  for (auto penalty :
       {LengthPenalty{LengthPenaltyType::none, 0.0}, LengthPenalty{LengthPenaltyType::gnmt, 1.0},
        LengthPenalty{LengthPenaltyType::average, 1.0}}) {
    for (uint64_t seed : {4, 5}) {
      const Scorer scorer = random_scorer(V, seed, 1.5f, 0.2f);
      MockModel model(V, scorer);
      SearchOptions o;
      o.beam = 200;
      o.nbest = 8;
      o.length_penalty = penalty;
      o.max_length_a = 0;
      o.max_length_b = 3;
      const std::vector<std::vector<int64_t>> sources = {{4, 5}, {6}};
      const auto beam = beam_search(*model, source_batch(sources), o);
      for (size_t i = 0; i < sources.size(); ++i) {
        const auto brute = enumerate_outputs(scorer, V, sources[i], 3, 0, penalty);
        ASSERT_EQ(brute.size(), 85u);
        ASSERT_EQ(beam[i].size(), 8u);
        for (size_t n = 0; n < 8; ++n) {
          EXPECT_EQ(beam[i][n].tokens, brute[n].tokens)
              << to_string(penalty.type) << " seed " << seed << " rank " << n;
          EXPECT_NEAR(beam[i][n].score, brute[n].score, 1e-5);
        }
      }
    }
  }
}

TEST(BeamSearch, SmallBeamUsuallyFindsTheBruteForceBest) {
  // A beam of 4 is not exact (a hypothesis ending outside the top 4 at its step is dropped, as in
  // fairseq, Marian and OpenNMT), but on short mocks it must find the optimum far more often than
  // greedy does, and its best score must never be below greedy's on these inputs.
  const int64_t V = 8;
  int beam_hits = 0, greedy_hits = 0, total = 0;
  for (uint64_t seed = 0; seed < 6; ++seed) {
    const Scorer scorer = random_scorer(V, seed, 2.5f, 0.8f);
    MockModel model(V, scorer);
    SearchOptions o;
    o.beam = 4;
    o.length_penalty = {LengthPenaltyType::none, 0.0};
    o.max_length_a = 0;
    o.max_length_b = 3;
    const auto sources = random_sources(6, V, seed);
    const torch::Tensor src = source_batch(sources);
    const auto beam = beam_search(*model, src, o);
    const auto greedy = greedy_search(*model, src, o);
    for (size_t i = 0; i < sources.size(); ++i) {
      const auto brute = enumerate_outputs(scorer, V, sources[i], 3, 0, o.length_penalty);
      EXPECT_GE(beam[i][0].score, greedy[i].score - 1e-9) << "seed " << seed << " sentence " << i;
      EXPECT_LE(beam[i][0].score, brute.front().score + 1e-5);
      beam_hits += beam[i][0].tokens == brute.front().tokens;
      greedy_hits += greedy[i].tokens == brute.front().tokens;
      ++total;
    }
  }
  EXPECT_GE(beam_hits, total * 8 / 10);
  EXPECT_GT(beam_hits, greedy_hits + total / 10);
  std::cout << "brute-force optimum found: beam 4 " << beam_hits << "/" << total << ", greedy "
            << greedy_hits << "/" << total << "\n";
}

TEST(BeamSearch, ReportedScoresEqualForcedDecoding) {
  const int64_t V = 12;
  MockModel model(V, random_scorer(V, 7));
  SearchOptions o;
  o.beam = 5;
  o.nbest = 5;
  const auto sources = random_sources(10, V, 8);
  const auto beam = beam_search(*model, source_batch(sources), o);
  std::vector<std::vector<int64_t>> rows, targets;
  std::vector<const Hypothesis*> hyps;
  for (size_t i = 0; i < sources.size(); ++i)
    for (const auto& h : beam[i]) {
      rows.push_back(sources[i]);
      targets.push_back(h.tokens);
      hyps.push_back(&h);
    }
  const auto forced = score_targets(*model, source_batch(rows), targets);
  for (size_t n = 0; n < hyps.size(); ++n) {
    EXPECT_NEAR(forced[n].log_prob, hyps[n]->log_prob, 1e-4);
    ASSERT_EQ(forced[n].token_log_probs.size(), hyps[n]->token_log_probs.size());
    for (size_t t = 0; t < forced[n].token_log_probs.size(); ++t)
      EXPECT_NEAR(forced[n].token_log_probs[t], hyps[n]->token_log_probs[t], 1e-4);
    EXPECT_NEAR(hyps[n]->score, o.length_penalty.normalize(forced[n].log_prob, targets[n].size()),
                1e-4);
  }
}

TEST(BeamSearch, NBestIsSortedAndDistinct) {
  const int64_t V = 10;
  MockModel model(V, random_scorer(V, 9));
  SearchOptions o;
  o.beam = 6;
  o.nbest = 6;
  const auto beam = beam_search(*model, source_batch(random_sources(8, V, 10)), o);
  for (const auto& list : beam) {
    ASSERT_EQ(list.size(), 6u);
    std::set<std::vector<int64_t>> seen;
    for (size_t n = 0; n < list.size(); ++n) {
      EXPECT_TRUE(seen.insert(list[n].tokens).second) << "duplicate hypothesis at rank " << n;
      if (n > 0) {
        EXPECT_GE(list[n - 1].score, list[n].score);
      }
      EXPECT_EQ(list[n].tokens.back(), kEosId);
    }
  }
}

TEST(BeamSearch, RespectsMinAndMaxLengthAndNeverEmitsPadOrBos) {
  const int64_t V = 8;
  // Wants to stop at once, and loves pad and BOS.
  auto eager = [](const std::vector<int64_t>&, const std::vector<int64_t>& prefix) {
    std::vector<float> l(8, 0.0f);
    l[kEosId] = 10.0f;
    l[kPadId] = l[kBosId] = 30.0f;
    l[4 + prefix.size() % 4] = 1.0f;
    return l;
  };
  // Never wants to stop.
  auto endless = [](const std::vector<int64_t>&, const std::vector<int64_t>& prefix) {
    std::vector<float> l(8, 0.0f);
    l[kEosId] = -30.0f;
    l[5] = 0.5f * static_cast<float>(prefix.size() % 2);
    return l;
  };
  const std::vector<std::vector<int64_t>> sources = {{4}, {4, 5, 6, 7, 4}, {5, 6}};
  for (int64_t beam : {1, 3}) {
    SearchOptions o;
    o.beam = beam;
    o.min_length = 4;
    MockModel a(V, eager);
    for (const auto& list : beam_search(*a, source_batch(sources), o))
      for (const auto& h : list) {
        EXPECT_EQ(h.tokens.size(), 5u) << "beam " << beam;  // exactly min_length, then EOS
        for (int64_t t : h.tokens) EXPECT_TRUE(t != kPadId && t != kBosId);
      }
    o.min_length = 0;
    o.max_length_a = 2.0;
    o.max_length_b = 1;
    MockModel b(V, endless);
    const auto lists = beam_search(*b, source_batch(sources), o);
    for (size_t i = 0; i < sources.size(); ++i) {
      const int64_t max_len = 2 * (static_cast<int64_t>(sources[i].size()) + 1) + 1;
      for (const auto& h : lists[i]) {
        EXPECT_EQ(static_cast<int64_t>(h.tokens.size()), max_len + 1)
            << "beam " << beam << " sentence " << i;
        EXPECT_EQ(h.tokens.back(), kEosId);
      }
    }
    // The positional table caps the length too: 6 positions = 5 tokens + EOS.
    MockModel c(V, endless, /*max_positions=*/6);
    for (const auto& list : beam_search(*c, source_batch(sources), o))
      EXPECT_EQ(list[0].tokens.size(), 6u);
  }
}

TEST(BeamSearch, SentenceAloneEqualsSentenceInAPaddedBatch) {
  const int64_t V = 13;
  MockModel model(V, random_scorer(V, 11));
  SearchOptions o;
  o.beam = 4;
  o.nbest = 3;
  o.keep_attention = true;
  const auto sources = random_sources(40, V, 12, /*max_len=*/20);
  const auto together = beam_search(*model, source_batch(sources), o);
  for (size_t i = 0; i < sources.size(); i += 3) {
    const auto alone = beam_search(*model, source_batch({sources[i]}), o);
    ASSERT_EQ(alone[0].size(), together[i].size());
    for (size_t n = 0; n < alone[0].size(); ++n)
      expect_same(alone[0][n], together[i][n],
                  "sentence " + std::to_string(i) + " rank " + std::to_string(n));
  }
}

TEST(BeamSearch, FinishedSentencesLeaveTheBatch) {
  // Never ending sentences of different lengths: each sentence is stepped K * (max_len + 1)
  // times, so the total shows that finished sentences stop costing work.
  const int64_t V = 8, K = 3;
  auto endless = [](const std::vector<int64_t>&, const std::vector<int64_t>& prefix) {
    std::vector<float> l(8, 0.0f);
    l[kEosId] = -30.0f;
    l[4 + prefix.size() % 4] = 2.0f;
    return l;
  };
  MockModel model(V, endless);
  SearchOptions o;
  o.beam = K;
  o.max_length_a = 1.0;
  o.max_length_b = 0;
  const std::vector<std::vector<int64_t>> sources = {{4}, {4, 5, 6, 7, 4, 5, 6}, {5, 6, 7}};
  beam_search(*model, source_batch(sources), o);
  int64_t expected = 0;
  for (const auto& s : sources) expected += K * (static_cast<int64_t>(s.size()) + 2);
  EXPECT_EQ(std::accumulate(model->rows_per_step.begin(), model->rows_per_step.end(), int64_t{0}),
            expected);
  EXPECT_EQ(model->rows_per_step.back(), K);
}
