#include <gtest/gtest.h>

#include <cmath>

#include "nmt/training/label_smoothed_loss.h"

namespace nmt {
namespace {

struct Case {
  torch::Tensor logits;  // [B, T, V]
  torch::Tensor target;  // [B, T] with padding
};

Case make_case(torch::ScalarType dtype) {
  torch::manual_seed(7);
  Case c;
  c.logits = (torch::randn({3, 5, 11}) * 3).to(dtype).requires_grad_(true);
  c.target = torch::randint(1, 11, {3, 5}, torch::kInt64);
  c.target.index_put_({1, torch::indexing::Slice(3)}, kPadId);
  c.target.index_put_({2, torch::indexing::Slice(1)}, kPadId);
  return c;
}

TEST(LabelSmoothedLoss, MatchesAutogradReferenceValueAndGradient) {
  for (double eps : {0.0, 0.1, 0.3}) {
    Case a = make_case(torch::kFloat32), b = make_case(torch::kFloat32);
    const LossSums fast = label_smoothed_loss(a.logits, a.target, eps);
    const LossSums ref = label_smoothed_loss_reference(b.logits, b.target, eps);
    EXPECT_NEAR(fast.loss.item<double>(), ref.loss.item<double>(), 1e-4) << "eps " << eps;
    EXPECT_NEAR(fast.nll.item<double>(), ref.nll.item<double>(), 1e-4);
    EXPECT_EQ(fast.tokens, 15 - 2 - 4);
    EXPECT_EQ(fast.tokens, ref.tokens);
    (fast.loss * 0.5).backward();
    (ref.loss * 0.5).backward();
    EXPECT_TRUE(torch::allclose(a.logits.grad(), b.logits.grad(), 1e-5, 1e-6)) << "eps " << eps;
  }
}

TEST(LabelSmoothedLoss, Bf16LogitsAreComputedInFloat32) {
  Case a = make_case(torch::kBFloat16), b = make_case(torch::kBFloat16);
  const LossSums fast = label_smoothed_loss(a.logits, a.target, 0.1);
  const LossSums ref = label_smoothed_loss_reference(b.logits, b.target, 0.1);
  EXPECT_EQ(fast.loss.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(fast.loss.item<double>(), ref.loss.item<double>(), 1e-3);
  fast.loss.backward();
  ref.loss.backward();
  EXPECT_EQ(a.logits.grad().scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::allclose(a.logits.grad().to(torch::kFloat32),
                              b.logits.grad().to(torch::kFloat32), 1e-2, 1e-3));
}

TEST(LabelSmoothedLoss, ZeroEpsilonIsSummedCrossEntropyIgnoringPadding) {
  Case c = make_case(torch::kFloat32);
  const LossSums ours = label_smoothed_loss(c.logits, c.target, 0.0);
  namespace F = torch::nn::functional;
  const torch::Tensor ce =
      F::cross_entropy(c.logits.reshape({-1, 11}), c.target.reshape({-1}),
                       F::CrossEntropyFuncOptions().ignore_index(kPadId).reduction(torch::kSum));
  EXPECT_NEAR(ours.loss.item<double>(), ce.item<double>(), 1e-4);
  EXPECT_NEAR(ours.nll.item<double>(), ce.item<double>(), 1e-4);
}

TEST(LabelSmoothedLoss, UniformLogitsGiveLogVocabPerToken) {
  // p(v) = 1/V for every v, so nll_i = smooth_i / V = log V whatever epsilon is.
  const torch::Tensor logits = torch::zeros({2, 4, 50}).requires_grad_(true);
  const torch::Tensor target = torch::tensor({{5, 6, 7, 0}, {8, 0, 0, 0}}, torch::kInt64);
  const LossSums sums = label_smoothed_loss(logits, target, 0.2);
  EXPECT_EQ(sums.tokens, 4);
  EXPECT_NEAR(sums.loss.item<double>(), 4 * std::log(50.0), 1e-4);
  EXPECT_NEAR(sums.nll.item<double>(), 4 * std::log(50.0), 1e-4);
}

TEST(LabelSmoothedLoss, PaddingPositionsGetNoGradient) {
  Case c = make_case(torch::kFloat32);
  label_smoothed_loss(c.logits, c.target, 0.1).loss.backward();
  const torch::Tensor pad_rows = c.logits.grad().index({c.target.eq(kPadId)});  // [P, V]
  EXPECT_GT(pad_rows.size(0), 0);
  EXPECT_EQ(pad_rows.abs().sum().item<double>(), 0.0);
  // Each real row's gradient sums to zero: softmax and the smoothed target both sum to one.
  const torch::Tensor real_rows = c.logits.grad().index({c.target.ne(kPadId)});
  EXPECT_LT(real_rows.sum(1).abs().max().item<double>(), 1e-5);
}

TEST(LabelSmoothedLoss, NllHasNoGradientAndShapesAreChecked) {
  Case c = make_case(torch::kFloat32);
  const LossSums sums = label_smoothed_loss(c.logits, c.target, 0.1);
  EXPECT_FALSE(sums.nll.requires_grad());
  EXPECT_THROW(label_smoothed_loss(c.logits, c.target.reshape({5, 3}), 0.1), c10::Error);
}

}  // namespace
}  // namespace nmt
