#include <gtest/gtest.h>

#include "model_test_util.h"
#include "nmt/model/dropout.h"

using namespace nmt;

TEST(Dropout, DropsTheRequestedFractionAndScalesTheRest) {
  torch::manual_seed(2);
  auto x = torch::ones({1000, 100});
  auto y = nmt::dropout(x, 0.3, /*training=*/true);
  const double dropped = y.eq(0).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(dropped, 0.3, 0.01);
  auto kept = y.masked_select(y.ne(0));
  EXPECT_LT((kept - 1.0 / 0.7).abs().max().item<double>(), 1e-6);
  EXPECT_NEAR(y.mean().item<double>(), 1.0, 0.02);  // inverted dropout keeps the expectation
}

TEST(Dropout, IdentityOutsideTrainingOrAtZero) {
  auto x = torch::randn({4, 5});
  EXPECT_TRUE(nmt::dropout(x, 0.5, false).equal(x));
  EXPECT_TRUE(nmt::dropout(x, 0.0, true).equal(x));
}

TEST(Dropout, RepeatableUnderManualSeedAndMasksTheGradient) {
  auto x = torch::randn({64, 33}, torch::requires_grad());
  torch::manual_seed(9);
  auto a = nmt::dropout(x, 0.5, true);
  torch::manual_seed(9);
  auto b = nmt::dropout(x, 0.5, true);
  EXPECT_TRUE(a.equal(b));
  EXPECT_FALSE(nmt::dropout(x, 0.5, true).equal(a));  // the next call draws a new mask
  a.sum().backward();
  // d(sum(x * mask))/dx = mask: 2 where kept, 0 where dropped.
  EXPECT_TRUE(
      x.grad().equal(torch::where(a.ne(0), torch::full_like(x, 2.0), torch::zeros_like(x))));
}

TEST(Dropout, WorksInBf16) {
  auto x = torch::ones({256, 16}, torch::kBFloat16);
  auto y = nmt::dropout(x, 0.25, true);
  EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  EXPECT_NEAR(y.eq(0).to(torch::kDouble).mean().item<double>(), 0.25, 0.03);
}
