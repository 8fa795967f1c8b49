// The fused CPU pass of a search step (continuations.h) against its LibTorch reference: the same
// beam candidates and greedy tokens under every constraint (pad/BOS, min_length, rows at their
// maximum length, empty slots), for vocabularies below, at and above the vector width.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/continuations.h"

using namespace nmt;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct Step {
  torch::Tensor log_probs, scores;
  std::vector<int64_t> row_max;
};

// b sentences of K slots over V tokens; every third sentence's rows are at their maximum length
// at t = 3, slot K-1 of every second sentence is empty, and a few entries are -inf.
Step random_step(int64_t b, int64_t K, int64_t V, uint64_t seed) {
  torch::manual_seed(seed);
  Step s;
  s.log_probs = torch::log_softmax(torch::randn({b * K, V}) * 3, /*dim=*/1);
  s.log_probs.index_put_({torch::rand({b * K, V}) < 0.05}, kNegInf);
  s.scores = -torch::rand({b, K}) * 10;
  for (int64_t i = 0; i < b; i += 2) s.scores[i][K - 1] = kNegInf;
  for (int64_t r = 0; r < b * K; ++r) s.row_max.push_back((r / K) % 3 == 0 ? 3 : 50);
  return s;
}

void expect_same_candidates(const BeamContinuations& got, const BeamContinuations& want,
                            const std::string& what) {
  ASSERT_EQ(got.n_cand, want.n_cand) << what;
  ASSERT_EQ(got.V, want.V) << what;
  ASSERT_TRUE(got.val.sizes().equals(want.val.sizes())) << what;
  const int64_t b = want.val.size(0);
  for (int64_t i = 0; i < b; ++i) {
    for (int64_t j = 0; j < want.n_cand; ++j) {
      const float w = want.val[i][j].item<float>();
      ASSERT_EQ(std::isfinite(got.val[i][j].item<float>()), std::isfinite(w))
          << what << " sentence " << i << " candidate " << j;
      if (!std::isfinite(w)) break;  // the rest is padding
      EXPECT_EQ(got.val[i][j].item<float>(), w) << what << " sentence " << i << " candidate " << j;
      EXPECT_EQ(got.idx[i][j].item<int64_t>(), want.idx[i][j].item<int64_t>())
          << what << " sentence " << i << " candidate " << j;
      EXPECT_EQ(got.lp[i][j].item<float>(), want.lp[i][j].item<float>())
          << what << " sentence " << i << " candidate " << j;
    }
  }
}

}  // namespace

TEST(Continuations, BeamCandidatesEqualTheLibTorchReference) {
  for (int64_t V : {5, 16, 17, 100, 1003}) {
    for (int64_t K : {1, 2, 5}) {
      for (int64_t t : {0, 1, 3, 7}) {
        const Step s = random_step(/*b=*/7, K, V, static_cast<uint64_t>(V * 100 + K * 10 + t));
        const StepLimits limits{t, &s.row_max, /*min_length=*/2};
        const std::string what =
            "V " + std::to_string(V) + " K " + std::to_string(K) + " t " + std::to_string(t);
        expect_same_candidates(best_continuations(s.log_probs, s.scores, K, limits),
                               best_continuations_reference(s.log_probs, s.scores, K, limits),
                               what);
      }
    }
  }
}

TEST(Continuations, BeamCandidatesKeepTheConstraints) {
  const int64_t K = 3, V = 40;
  const Step s = random_step(/*b=*/4, K, V, 7);
  // t = 3: sentences 0 and 3 are at their maximum length (EOS only); min_length 5 forbids EOS
  // everywhere else.
  const auto c = best_continuations(s.log_probs, s.scores, K, StepLimits{3, &s.row_max, 5});
  for (int64_t i = 0; i < 4; ++i) {
    for (int64_t j = 0; j < c.n_cand; ++j) {
      if (!std::isfinite(c.val[i][j].item<float>())) break;
      const int64_t token = c.idx[i][j].item<int64_t>() % V;
      EXPECT_NE(token, kPadId);
      EXPECT_NE(token, kBosId);
      if (i % 3 == 0)
        EXPECT_EQ(token, kEosId) << "sentence " << i;
      else
        EXPECT_NE(token, kEosId) << "sentence " << i;
    }
  }
}

TEST(Continuations, EqualValuesGoToTheLowerIndex) {
  // One sentence, one slot, every token equally likely: the candidates are tokens 1, 4, 5, ...
  // (pad 0, BOS 2 and, before min_length, EOS 3 are forbidden).
  const int64_t V = 40;
  const torch::Tensor log_probs = torch::full({1, V}, -std::log(static_cast<float>(V)));
  const std::vector<int64_t> row_max{50};
  const auto c = best_continuations(log_probs, torch::zeros({1, 1}), 1, StepLimits{0, &row_max, 1});
  ASSERT_EQ(c.n_cand, 2);
  EXPECT_EQ(c.idx[0][0].item<int64_t>(), kUnkId);
  EXPECT_EQ(c.idx[0][1].item<int64_t>(), 4);
  const auto g = best_tokens(log_probs, StepLimits{0, &row_max, 1});
  EXPECT_EQ(g.tokens[0].item<int64_t>(), kUnkId);
}

TEST(Continuations, GreedyTokensEqualTheLibTorchReference) {
  for (int64_t V : {5, 16, 17, 100, 1003}) {
    for (int64_t t : {0, 3}) {
      Step s = random_step(/*b=*/9, /*K=*/1, V, static_cast<uint64_t>(V + t));
      s.log_probs[1].fill_(kNegInf);  // a row that allows nothing: token 0, as argmax gives
      const StepLimits limits{t, &s.row_max, /*min_length=*/2};
      const auto got = best_tokens(s.log_probs, limits);
      const auto want = best_tokens_reference(s.log_probs, limits);
      EXPECT_TRUE(got.tokens.equal(want.tokens)) << "V " << V << " t " << t;
      EXPECT_TRUE(torch::allclose(got.lp, want.lp, 0, 0, /*equal_nan=*/true))
          << "V " << V << " t " << t;
    }
  }
}
