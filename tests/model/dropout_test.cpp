#include <gtest/gtest.h>

#include "nmt/model/dropout.h"

namespace nmt {
namespace {

TEST(Dropout, KeepsAboutOneMinusPAndScalesTheKept) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::ones({1000, 300});
  const torch::Tensor y = apply_dropout(x, 0.1, /*training=*/true);
  const torch::Tensor kept = y.ne(0);
  EXPECT_NEAR(kept.to(torch::kFloat64).mean().item<double>(), 0.9, 0.003);
  // Quantised keep probability: 1 - round(0.1 * 65536) / 65536.
  const double scale = 1.0 / (1.0 - 6554.0 / 65536.0);
  EXPECT_NEAR(y.index({kept}).max().item<double>(), scale, 1e-6);
  EXPECT_NEAR(y.index({kept}).min().item<double>(), scale, 1e-6);
  EXPECT_NEAR(y.mean().item<double>(), 1.0, 0.004);  // unbiased
}

TEST(Dropout, IsTheIdentityOutsideTrainingOrWithPZero) {
  const torch::Tensor x = torch::randn({4, 5});
  EXPECT_TRUE(apply_dropout(x, 0.3, false).is_same(x));
  EXPECT_TRUE(apply_dropout(x, 0.0, true).is_same(x));
}

TEST(Dropout, BackwardUsesTheForwardMask) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({64, 33}).requires_grad_(true);
  const torch::Tensor y = apply_dropout(x, 0.25, true);
  y.backward(torch::ones_like(y));
  // d y / d x = mask * scale = y / x wherever x != 0.
  EXPECT_TRUE(torch::allclose(x.grad(), y.detach() / x.detach(), 1e-5, 1e-6));
  EXPECT_TRUE(x.grad().eq(0).equal(y.detach().eq(0)));
}

TEST(Dropout, FollowsTheTorchGeneratorAndNotTheThreadCount) {
  const torch::Tensor x = torch::randn({257, 129});
  const int threads = torch::get_num_threads();
  torch::manual_seed(5);
  const torch::Tensor a = apply_dropout(x, 0.3, true), a2 = apply_dropout(x, 0.3, true);
  torch::set_num_threads(1);
  torch::manual_seed(5);
  const torch::Tensor b = apply_dropout(x, 0.3, true);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, a2));  // each call draws a new seed
}

TEST(Dropout, Bf16InputsStayBf16) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({100, 100}).to(torch::kBFloat16).requires_grad_(true);
  const torch::Tensor y = apply_dropout(x, 0.5, true);
  EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  EXPECT_NEAR(y.ne(0).to(torch::kFloat64).mean().item<double>(), 0.5, 0.02);
  y.sum().backward();
  EXPECT_EQ(x.grad().scalar_type(), torch::kBFloat16);
}

}  // namespace
}  // namespace nmt
