// The fused decoding-step attention (model/step_attention.h) against LibTorch's generic path.
#include <gtest/gtest.h>

#include "nmt/model/step_attention.h"

using namespace nmt;

namespace {

torch::Tensor reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias, double scale) {
  auto s = torch::matmul(q.to(torch::kFloat), k.to(torch::kFloat).transpose(-2, -1)) * scale;
  if (bias.defined()) s = s + bias;
  return torch::matmul(torch::softmax(s, -1), v.to(torch::kFloat));
}

}  // namespace

TEST(StepAttention, MatchesTheGenericPathWithMasksAndStridedCaches) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(1);
  for (int64_t t : {1, 5}) {
    for (int64_t d : {8, 64, 20}) {  // 20: a partial AVX-512 block
      // Keys/values as views of a buffer with spare room along time, as the decoder cache holds.
      auto buffer_k = torch::randn({6, 3, 16, d}), buffer_v = torch::randn({6, 3, 16, d});
      auto k = buffer_k.narrow(2, 0, 9), v = buffer_v.narrow(2, 0, 9);
      auto q = torch::randn({6, t, 3, d}).transpose(1, 2);  // non-contiguous queries
      auto bias = torch::zeros({6, 1, 1, 9});
      bias.narrow(3, 7, 2).fill_(-1e9);  // padded keys
      ASSERT_TRUE(step_attention_applies(q, k, v, bias));
      const auto got = step_attention(q, k, v, bias, 0.3);
      EXPECT_TRUE(torch::allclose(got, reference(q, k, v, bias, 0.3), 1e-5, 1e-5)) << t << " " << d;
      EXPECT_TRUE(torch::allclose(step_attention(q, k, v, {}, 0.3), reference(q, k, v, {}, 0.3),
                                  1e-5, 1e-5));
      // A row alone gives exactly what it gives in the batch.
      const auto alone = step_attention(q.narrow(0, 2, 1), k.narrow(0, 2, 1), v.narrow(0, 2, 1),
                                        bias.narrow(0, 2, 1), 0.3);
      EXPECT_TRUE(alone.equal(got.narrow(0, 2, 1)));
      // bfloat16 inputs: computed in float32, rounded once.
      const auto b16 = step_attention(q.to(torch::kBFloat16), k.to(torch::kBFloat16),
                                      v.to(torch::kBFloat16), bias, 0.3);
      ASSERT_EQ(b16.scalar_type(), torch::kBFloat16);
      EXPECT_LT((b16.to(torch::kFloat) - got).abs().max().item<float>(), 0.05f);
    }
  }
}

TEST(StepAttention, LeavesLongQueriesAndGradientsToTheGenericPath) {
  auto k = torch::randn({2, 2, 5, 8}), v = torch::randn({2, 2, 5, 8});
  EXPECT_FALSE(step_attention_applies(torch::randn({2, 2, 65, 8}), k, v, {}));
  EXPECT_FALSE(step_attention_applies(torch::randn({2, 2, 1, 8}, torch::requires_grad()), k, v, {}));
  EXPECT_FALSE(step_attention_applies(torch::randn({2, 2, 1, 8}).to(torch::kDouble), k, v, {}));
}
