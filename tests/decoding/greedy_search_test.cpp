// Greedy search against a reference computed straight from the mock's scorer.
#include <gtest/gtest.h>

#include <numeric>

#include "decoding/brute_force.h"
#include "decoding/mock_model.h"
#include "decoding/test_sources.h"
#include "nmt/decoding/greedy_search.h"

using namespace nmt;
using namespace nmt::test;

TEST(GreedySearch, TakesTheMostLikelyTokenEveryStep) {
  const int64_t V = 9;
  const Scorer scorer = random_scorer(V, 1);
  MockModel model(V, scorer);
  SearchOptions o;
  o.max_length_a = 1.0;
  o.max_length_b = 3;
  o.length_penalty = {LengthPenaltyType::gnmt, 0.6};
  const auto sources = random_sources(12, V, 3);
  const auto hyps = greedy_search(*model, source_batch(sources), o);
  ASSERT_EQ(hyps.size(), sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const int64_t max_len = o.max_length(static_cast<int64_t>(sources[i].size()) + 1, 1024);
    const Hypothesis ref = reference_greedy(scorer, sources[i], max_len, 0);
    EXPECT_EQ(hyps[i].tokens, ref.tokens) << "sentence " << i;
    ASSERT_EQ(hyps[i].token_log_probs.size(), ref.token_log_probs.size());
    for (size_t t = 0; t < ref.token_log_probs.size(); ++t)
      EXPECT_NEAR(hyps[i].token_log_probs[t], ref.token_log_probs[t], 1e-6);
    EXPECT_NEAR(hyps[i].log_prob, ref.log_prob, 1e-5);
    EXPECT_NEAR(hyps[i].score, o.length_penalty.normalize(hyps[i].log_prob, hyps[i].tokens.size()),
                1e-12);
    EXPECT_EQ(hyps[i].tokens.back(), kEosId);
  }
}

TEST(GreedySearch, FinishedRowsLeaveTheBatch) {
  // A model that never wants EOS: every sentence runs to its own maximum length, so the rows
  // stepped must be exactly sum(max_len + 1) if finished rows leave, and B * (longest + 1) if not.
  const int64_t V = 7;
  auto scorer = [](const std::vector<int64_t>&, const std::vector<int64_t>& prefix) {
    std::vector<float> l(7, 0.0f);
    l[kEosId] = -20.0f;
    l[4 + prefix.size() % 3] = 1.0f;
    return l;
  };
  MockModel model(V, scorer);
  SearchOptions o;
  o.max_length_a = 1.0;
  o.max_length_b = 0;
  const std::vector<std::vector<int64_t>> sources = {{4}, {4, 5, 6, 4, 5, 6, 4}, {5, 5, 5}};
  const auto hyps = greedy_search(*model, source_batch(sources), o);
  int64_t expected_rows = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    const int64_t max_len =
        static_cast<int64_t>(sources[i].size()) + 1;  // a = 1, b = 0, EOS counted
    EXPECT_EQ(static_cast<int64_t>(hyps[i].tokens.size()), max_len + 1) << i;
    expected_rows += max_len + 1;
  }
  EXPECT_EQ(std::accumulate(model->rows_per_step.begin(), model->rows_per_step.end(), int64_t{0}),
            expected_rows);
  EXPECT_EQ(model->rows_per_step.front(), 3);
  EXPECT_EQ(model->rows_per_step.back(), 1);
}

TEST(GreedySearch, KeepsAttentionRowsCroppedToTheSource) {
  const int64_t V = 9;
  MockModel model(V, random_scorer(V, 5));
  SearchOptions o;
  o.keep_attention = true;
  const std::vector<std::vector<int64_t>> sources = {{4, 5}, {6, 7, 8, 4, 5, 6}};
  const auto hyps = greedy_search(*model, source_batch(sources), o);
  for (size_t i = 0; i < sources.size(); ++i) {
    ASSERT_TRUE(hyps[i].attention.defined());
    EXPECT_EQ(hyps[i].attention.size(0), static_cast<int64_t>(hyps[i].tokens.size()));
    EXPECT_EQ(hyps[i].attention.size(1), static_cast<int64_t>(sources[i].size()) + 1);  // + EOS
    EXPECT_TRUE(
        torch::allclose(hyps[i].attention.sum(1), torch::ones({hyps[i].attention.size(0)})));
  }
}
