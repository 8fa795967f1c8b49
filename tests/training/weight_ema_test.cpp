#include "nmt/training/weight_ema.h"

#include <gtest/gtest.h>

#include "nmt/util/error.h"

namespace nmt {
namespace {

std::vector<torch::Tensor> weights(std::initializer_list<std::vector<float>> values) {
  std::vector<torch::Tensor> out;
  for (const auto& v : values) out.push_back(torch::tensor(v).requires_grad_());
  return out;
}

void set(torch::Tensor& p, const std::vector<float>& v) {
  torch::NoGradGuard no_grad;
  p.copy_(torch::tensor(v));
}

TEST(WeightEma, DecayWarmsUpThenHoldsTheConfiguredValue) {
  EXPECT_DOUBLE_EQ(WeightEma::decay_at(0.999, 1), 2.0 / 11.0);
  EXPECT_DOUBLE_EQ(WeightEma::decay_at(0.999, 100), 101.0 / 110.0);
  EXPECT_DOUBLE_EQ(WeightEma::decay_at(0.999, 9000), 0.999);  // 9001/9010 > 0.999
  EXPECT_DOUBLE_EQ(WeightEma::decay_at(0.5, 20), 0.5);        // 21/30 > 0.5
}

TEST(WeightEma, UpdateFollowsItsFormula) {
  auto params = weights({{1.0f, -2.0f, 4.0f}, {0.5f}});
  WeightEma ema(params, 0.9);
  // Starts equal to the weights.
  EXPECT_TRUE(torch::equal(ema.values()[0], params[0].detach()));
  std::vector<float> e0{1.0f, -2.0f, 4.0f}, e1{0.5f};
  const std::vector<std::vector<float>> w0{{3.0f, 0.0f, -1.0f}, {2.5f, 2.0f, 7.0f}};
  const std::vector<std::vector<float>> w1{{1.5f}, {-0.5f}};
  for (int64_t step = 1; step <= 2; ++step) {
    set(params[0], w0[step - 1]);
    set(params[1], w1[step - 1]);
    ema.update(step + 999);  // decay_at = min(0.9, ~0.99) = 0.9
    for (size_t j = 0; j < e0.size(); ++j) e0[j] = 0.9 * e0[j] + 0.1 * w0[step - 1][j];
    e1[0] = 0.9 * e1[0] + 0.1 * w1[step - 1][0];
    EXPECT_TRUE(torch::allclose(ema.values()[0], torch::tensor(e0), 1e-6, 1e-6)) << ema.values()[0];
    EXPECT_TRUE(torch::allclose(ema.values()[1], torch::tensor(e1), 1e-6, 1e-6));
  }
  // Early updates use the warm-up decay: 2/11 at step 1.
  auto one = weights({{0.0f}});
  WeightEma early(one, 0.999);
  set(one[0], {11.0f});
  early.update(1);
  EXPECT_NEAR(early.values()[0].item<float>(), 9.0f, 1e-5);  // 2/11 * 0 + 9/11 * 11
}

TEST(WeightEma, SwapExchangesWeightsAndAverageAndBack) {
  auto params = weights({{1.0f, 2.0f}});
  WeightEma ema(params, 0.5);
  set(params[0], {3.0f, 6.0f});
  ema.update(100);  // average (2, 4)
  {
    WeightEma::Swapped swapped(ema);
    EXPECT_TRUE(torch::equal(params[0].detach(), torch::tensor({2.0f, 4.0f})));
    EXPECT_TRUE(torch::equal(ema.values()[0], torch::tensor({3.0f, 6.0f})));
  }
  EXPECT_TRUE(torch::equal(params[0].detach(), torch::tensor({3.0f, 6.0f})));
  EXPECT_TRUE(torch::equal(ema.values()[0], torch::tensor({2.0f, 4.0f})));
  EXPECT_TRUE(params[0].requires_grad());
}

TEST(WeightEma, SetValuesRejectsAnotherModelsShapes) {
  auto params = weights({{1.0f, 2.0f}});
  WeightEma ema(params, 0.5);
  EXPECT_THROW(ema.set_values({torch::zeros({3})}), CheckpointError);
  EXPECT_THROW(ema.set_values({}), CheckpointError);
  ema.set_values({torch::tensor({5.0f, 6.0f})});
  EXPECT_TRUE(torch::equal(ema.values()[0], torch::tensor({5.0f, 6.0f})));
}

}  // namespace
}  // namespace nmt
