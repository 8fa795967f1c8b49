#include <gtest/gtest.h>

#include "nmt/training/adam_optimizer.h"
#include "nmt/util/error.h"

namespace nmt {
namespace {

std::vector<torch::Tensor> make_params(int64_t seed) {
  torch::manual_seed(seed);
  return {torch::randn({37, 19}).requires_grad_(true), torch::randn({1000}).requires_grad_(true),
          torch::randn({3, 4, 5}).requires_grad_(true)};
}

void set_grads(std::vector<torch::Tensor>& params, int64_t step) {
  torch::manual_seed(100 + step);
  for (auto& p : params) p.mutable_grad() = torch::randn_like(p) * (0.1 * (step + 1));
}

// Our fused update against LibTorch's reference implementation over several steps.
void expect_matches_torch(double weight_decay) {
  auto ours = make_params(1), theirs = make_params(1);
  AdamOptimizer adam(ours, {0.9, 0.98, 1e-9, weight_decay});
  std::unique_ptr<torch::optim::Optimizer> ref;
  if (weight_decay > 0) {
    ref = std::make_unique<torch::optim::AdamW>(
        theirs,
        torch::optim::AdamWOptions(1e-3).betas({0.9, 0.98}).eps(1e-9).weight_decay(weight_decay));
  } else {
    ref = std::make_unique<torch::optim::Adam>(
        theirs, torch::optim::AdamOptions(1e-3).betas({0.9, 0.98}).eps(1e-9));
  }
  for (int64_t step = 0; step < 5; ++step) {
    const double lr = 1e-3 * (step + 1);
    set_grads(ours, step);
    set_grads(theirs, step);
    adam.step(lr);
    for (auto& group : ref->param_groups()) group.options().set_lr(lr);
    ref->step();
  }
  for (size_t i = 0; i < ours.size(); ++i)
    EXPECT_TRUE(torch::allclose(ours[i], theirs[i], 1e-5, 1e-6)) << "parameter " << i;
}

TEST(AdamOptimizer, MatchesTorchAdam) { expect_matches_torch(0.0); }
TEST(AdamOptimizer, WeightDecayMatchesTorchAdamW) { expect_matches_torch(0.01); }

TEST(AdamOptimizer, TiedParametersAreUpdatedOnce) {
  auto params = make_params(2);
  AdamOptimizer adam({params[0], params[1], params[0]}, {});
  EXPECT_EQ(adam.parameters().size(), 2u);
}

TEST(AdamOptimizer, ClipsTheGlobalGradientNorm) {
  auto params = make_params(3);
  set_grads(params, 0);
  AdamOptimizer adam(params, {});
  double expected = 0;
  for (auto& p : params) expected += p.grad().pow(2).sum().item<double>();
  expected = std::sqrt(expected);
  EXPECT_NEAR(adam.clip_grad_norm(expected * 10), expected, 1e-4);  // no clipping
  EXPECT_NEAR(adam.grad_norm(), expected, 1e-4);
  EXPECT_NEAR(adam.clip_grad_norm(0.5), expected, 1e-4);
  EXPECT_NEAR(adam.grad_norm(), 0.5, 1e-4);
  params[1].mutable_grad()[3] = std::nan("");
  EXPECT_TRUE(std::isnan(adam.grad_norm()));
}

TEST(AdamOptimizer, SaveAndLoadContinueIdentically) {
  auto a = make_params(4), b = make_params(4);
  AdamOptimizer first(a, {});
  set_grads(a, 0);
  first.step(1e-3);
  torch::serialize::OutputArchive out;
  first.save(out);
  std::stringstream bytes;
  out.save_to(bytes);

  for (size_t i = 0; i < a.size(); ++i) b[i].detach().copy_(a[i].detach());
  AdamOptimizer second(b, {});
  torch::serialize::InputArchive in;
  in.load_from(bytes);
  second.load(in);
  set_grads(a, 1);
  set_grads(b, 1);
  first.step(2e-3);
  second.step(2e-3);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
}

TEST(AdamOptimizer, LoadRejectsStateOfOtherParameters) {
  auto a = make_params(5);
  AdamOptimizer first(a, {});
  torch::serialize::OutputArchive out;
  first.save(out);
  std::stringstream bytes;
  out.save_to(bytes);
  std::vector<torch::Tensor> other = {torch::zeros({2, 2}, torch::requires_grad()), a[1], a[2]};
  AdamOptimizer second(other, {});
  torch::serialize::InputArchive in;
  in.load_from(bytes);
  EXPECT_THROW(second.load(in), CheckpointError);
}

}  // namespace
}  // namespace nmt
