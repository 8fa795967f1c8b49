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

// The fused op saves one tensor instead of three; its values and gradients must be those of
// relu then dropout, bit for bit, in float32 and in bf16 (where the kept value 1/(1-p) rounds).
TEST(Dropout, ReluDropoutEqualsReluThenDropoutBitForBit) {
  for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    const auto x0 = torch::randn({48, 130}).to(dtype);
    const auto upstream = torch::randn({48, 130}).to(dtype);
    auto x1 = x0.clone().requires_grad_(true), x2 = x0.clone().requires_grad_(true);
    torch::manual_seed(5);
    auto fused = nmt::relu_dropout(x1, 0.1, true);
    torch::manual_seed(5);
    auto plain = nmt::dropout(torch::relu(x2), 0.1, true);
    EXPECT_TRUE(fused.equal(plain)) << dtype;
    (fused * upstream).sum().backward();
    (plain * upstream).sum().backward();
    EXPECT_TRUE(x1.grad().equal(x2.grad())) << dtype;
    EXPECT_GT(x1.grad().ne(0).sum().item<int64_t>(), 0);
  }
  auto x = torch::randn({8, 9});
  EXPECT_TRUE(nmt::relu_dropout(x, 0.3, false).equal(torch::relu(x)));  // not training
  EXPECT_TRUE(nmt::relu_dropout(x, 0.0, true).equal(torch::relu(x)));
}
