// Forced decoding scores given targets with one teacher-forced pass.
#include <gtest/gtest.h>

#include "decoding/brute_force.h"
#include "decoding/mock_model.h"
#include "nmt/decoding/forced_decoding.h"

using namespace nmt;
using namespace nmt::test;

TEST(ForcedDecoding, SumsTheModelsTokenLogProbs) {
  const int64_t V = 9;
  const Scorer scorer = random_scorer(V, 31);
  MockModel model(V, scorer);
  const std::vector<std::vector<int64_t>> sources = {{4, 5, 6}, {7}, {8, 8}};
  const std::vector<std::vector<int64_t>> targets = {
      {5, 6, kEosId}, {kEosId}, {4, 4, 4, 4, 1, kEosId}};
  const auto scores = score_targets(*model, source_batch(sources), targets);
  ASSERT_EQ(scores.size(), 3u);
  for (size_t i = 0; i < targets.size(); ++i) {
    ASSERT_EQ(scores[i].token_log_probs.size(), targets[i].size());
    double sum = 0;
    std::vector<int64_t> prefix;
    for (size_t t = 0; t < targets[i].size(); ++t) {
      const float expected = log_probs_of(scorer, sources[i], prefix)[targets[i][t]];
      EXPECT_NEAR(scores[i].token_log_probs[t], expected, 1e-6) << i << ":" << t;
      sum += scores[i].token_log_probs[t];
      prefix.push_back(targets[i][t]);
    }
    EXPECT_DOUBLE_EQ(scores[i].log_prob, sum);
  }
}

TEST(ForcedDecoding, EmptyTargetsScoreZero) {
  MockModel model(9, random_scorer(9, 32));
  const auto scores = score_targets(*model, source_batch({{4}, {5}}), {{}, {6, kEosId}});
  EXPECT_EQ(scores[0].log_prob, 0.0);
  EXPECT_TRUE(scores[0].token_log_probs.empty());
  EXPECT_LT(scores[1].log_prob, 0.0);
  EXPECT_EQ(score_targets(*model, source_batch({{4}}), {{}})[0].log_prob, 0.0);  // all empty
}
