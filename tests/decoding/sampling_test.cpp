// Sampling: top-k = 1 is greedy, seeds reproduce, the filters keep what they promise, and draws
// follow the model's distribution.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "decoding/mock_model.h"
#include "decoding/test_sources.h"
#include "nmt/decoding/greedy_search.h"
#include "nmt/decoding/sampling.h"
#include "nmt/util/error.h"

using namespace nmt;
using namespace nmt::test;

TEST(Sampling, TopKOneEqualsGreedy) {
  const int64_t V = 11;
  MockModel model(V, random_scorer(V, 21));
  SearchOptions o;
  const torch::Tensor src = source_batch(random_sources(12, V, 22));
  SamplingOptions s;
  s.top_k = 1;
  s.temperature = 0.7;
  s.seed = 5;
  TokenSampler sampler(s);
  const auto samples = sample(*model, src, o, sampler);
  const auto greedy = greedy_search(*model, src, o);
  for (size_t i = 0; i < greedy.size(); ++i) {
    EXPECT_EQ(samples[i][0].tokens, greedy[i].tokens) << i;
    EXPECT_EQ(samples[i][0].log_prob, greedy[i].log_prob)
        << i;  // the model's, not the tempered one
  }
}

TEST(Sampling, SameSeedSameSamplesOtherSeedOtherSamples) {
  const int64_t V = 11;
  MockModel model(V, random_scorer(V, 23, 1.0f));
  SearchOptions o;
  o.nbest = 3;  // three samples per sentence
  const torch::Tensor src = source_batch(random_sources(10, V, 24));
  auto draw = [&](uint64_t seed) {
    SamplingOptions s;
    s.seed = seed;
    TokenSampler sampler(s);
    std::vector<std::vector<int64_t>> out;
    for (const auto& list : sample(*model, src, o, sampler)) {
      EXPECT_EQ(list.size(), 3u);
      for (const auto& h : list) out.push_back(h.tokens);
    }
    return out;
  };
  const auto a = draw(42), b = draw(42), c = draw(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Sampling, TopKAndTopPKeepOnlyTheirTokens) {
  // One row with probabilities 0.5, 0.3, 0.15, 0.05 on tokens 4..7 (others forbidden).
  const float inf = std::numeric_limits<float>::infinity();
  torch::Tensor lp = torch::full({1, 8}, -inf);
  lp[0][4] = std::log(0.5f);
  lp[0][5] = std::log(0.3f);
  lp[0][6] = std::log(0.15f);
  lp[0][7] = std::log(0.05f);
  SamplingOptions s;
  s.top_k = 2;
  const torch::Tensor k2 = TokenSampler(s).filter(lp);
  EXPECT_TRUE(std::isfinite(k2[0][4].item<float>()) && std::isfinite(k2[0][5].item<float>()));
  EXPECT_EQ(k2[0][6].item<float>(), -inf);
  s.top_k = 0;
  s.top_p = 0.8;  // 0.5 + 0.3 reaches 0.8: the nucleus is {4, 5}
  const torch::Tensor p = TokenSampler(s).filter(lp);
  EXPECT_TRUE(std::isfinite(p[0][5].item<float>()));
  EXPECT_EQ(p[0][6].item<float>(), -inf);
  s.top_p = 0.81;  // needs the third token
  EXPECT_TRUE(std::isfinite(TokenSampler(s).filter(lp)[0][6].item<float>()));
  s.top_p = 0.1;  // the best token always stays
  const torch::Tensor one = TokenSampler(s).filter(lp);
  EXPECT_TRUE(std::isfinite(one[0][4].item<float>()));
  EXPECT_EQ(one[0][5].item<float>(), -inf);
}

TEST(Sampling, DrawsFollowTheTemperedDistribution) {
  const float inf = std::numeric_limits<float>::infinity();
  const int64_t n = 20000;
  torch::Tensor lp = torch::full({n, 6}, -inf);
  lp.select(1, 4).fill_(std::log(0.8f));
  lp.select(1, 5).fill_(std::log(0.2f));
  SamplingOptions s;
  s.seed = 7;
  const double share = (TokenSampler(s)(lp) == 4).sum().item<double>() / n;
  EXPECT_NEAR(share, 0.8, 0.015);  // 0.015 ~ 5 standard deviations
  s.temperature = 2.0;             // p^(1/2) renormalised: 0.894 / (0.894 + 0.447) = 2/3
  const double flat = (TokenSampler(s)(lp) == 4).sum().item<double>() / n;
  EXPECT_NEAR(flat, 2.0 / 3.0, 0.017);
}

TEST(Sampling, RejectsInvalidOptions) {
  SamplingOptions s;
  s.temperature = 0;
  EXPECT_THROW(TokenSampler{s}, ConfigError);
  s = {};
  s.top_p = 1.5;
  EXPECT_THROW(TokenSampler{s}, ConfigError);
}
