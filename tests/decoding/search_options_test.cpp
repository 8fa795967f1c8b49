// Length penalties, length limits and the per-step token constraints every search shares.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/length_penalty.h"
#include "nmt/decoding/search_options.h"
#include "nmt/util/error.h"

using namespace nmt;

TEST(LengthPenalty, GnmtIsWuEtAlFormula) {
  LengthPenalty lp{LengthPenaltyType::gnmt, 0.6};
  // ((5 + 10) / 6)^0.6, from Wu et al. (2016), eq. 14.
  EXPECT_NEAR(lp.penalty(10), std::pow(15.0 / 6.0, 0.6), 1e-12);
  EXPECT_NEAR(lp.penalty(1), 1.0, 1e-12);  // (5 + 1) / 6 = 1
  EXPECT_NEAR(lp.normalize(-3.0, 10), -3.0 / std::pow(2.5, 0.6), 1e-12);
}

TEST(LengthPenalty, AverageIsLengthToTheAlpha) {
  LengthPenalty lp{LengthPenaltyType::average, 1.0};
  EXPECT_NEAR(lp.normalize(-8.0, 4), -2.0, 1e-12);  // alpha 1: mean log-prob per token
  lp.alpha = 0.5;
  EXPECT_NEAR(lp.penalty(9), 3.0, 1e-12);
  EXPECT_NEAR(lp.penalty(0), 1.0, 1e-12);  // never divides by zero
}

TEST(LengthPenalty, NoneAndAlphaZeroKeepTheRawScore) {
  EXPECT_EQ((LengthPenalty{LengthPenaltyType::none, 0.6}).normalize(-7.5, 12), -7.5);
  EXPECT_EQ((LengthPenalty{LengthPenaltyType::gnmt, 0.0}).normalize(-7.5, 12), -7.5);
  EXPECT_EQ((LengthPenalty{LengthPenaltyType::average, 0.0}).normalize(-7.5, 12), -7.5);
}

TEST(LengthPenalty, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_length_penalty_type("gnmt"), LengthPenaltyType::gnmt);
  EXPECT_EQ(parse_length_penalty_type("average"), LengthPenaltyType::average);
  EXPECT_EQ(parse_length_penalty_type("none"), LengthPenaltyType::none);
  EXPECT_THROW(parse_length_penalty_type("wu"), ConfigError);
}

TEST(SearchOptions, MaxLengthIsAffineInSourceLengthAndCappedByPositions) {
  SearchOptions o;
  o.max_length_a = 1.5;
  o.max_length_b = 10;
  EXPECT_EQ(o.max_length(7, 1024), 20);     // floor(10.5) + 10
  EXPECT_EQ(o.max_length(1000, 256), 255);  // positions 0..255, the last one is EOS
  o.max_length_a = 0;
  o.max_length_b = 0;
  EXPECT_EQ(o.max_length(7, 1024), 0);  // only EOS
}

TEST(SearchOptions, FromConfigAndValidation) {
  DecodeConfig d;
  d.beam = 4;
  d.nbest = 2;
  d.length_penalty = 1.0;
  d.length_penalty_type = "average";
  const SearchOptions o = SearchOptions::from_config(d);
  EXPECT_EQ(o.beam, 4);
  EXPECT_EQ(o.nbest, 2);
  EXPECT_EQ(o.length_penalty.type, LengthPenaltyType::average);
  o.validate();
  SearchOptions bad = o;
  bad.nbest = 5;
  EXPECT_THROW(bad.validate(), ConfigError);
  bad = o;
  bad.beam = 0;
  EXPECT_THROW(bad.validate(), ConfigError);
}

TEST(ConstrainLogProbs, MasksPadBosAndEosBeforeMinLength) {
  const torch::Tensor lp = torch::log_softmax(torch::randn({3, 8}), 1);
  const torch::Tensor m = constrain_log_probs(lp, /*t=*/1, {10, 10, 10}, /*min_length=*/2);
  const float inf = std::numeric_limits<float>::infinity();
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(m[r][kPadId].item<float>(), -inf);
    EXPECT_EQ(m[r][kBosId].item<float>(), -inf);
    EXPECT_EQ(m[r][kEosId].item<float>(), -inf);
    for (int v = 4; v < 8; ++v)
      EXPECT_EQ(m[r][v].item<float>(), lp[r][v].item<float>());  // raw values kept
  }
  const torch::Tensor later = constrain_log_probs(lp, /*t=*/2, {10, 10, 10}, 2);
  EXPECT_EQ(later[0][kEosId].item<float>(), lp[0][kEosId].item<float>());
}

TEST(ConstrainLogProbs, ForcesEosAtTheRowsMaximumEvenBeforeMinLength) {
  const torch::Tensor lp = torch::log_softmax(torch::randn({2, 6}), 1);
  const torch::Tensor m = constrain_log_probs(lp, /*t=*/3, {3, 9}, /*min_length=*/5);
  const float inf = std::numeric_limits<float>::infinity();
  for (int v = 0; v < 6; ++v) {
    if (v == kEosId)
      EXPECT_EQ(m[0][v].item<float>(), lp[0][v].item<float>());
    else
      EXPECT_EQ(m[0][v].item<float>(), -inf) << v;
  }
  EXPECT_EQ(m[1][kEosId].item<float>(), -inf);  // row 1: not at its maximum, min_length applies
  EXPECT_EQ(m[1][4].item<float>(), lp[1][4].item<float>());
}
