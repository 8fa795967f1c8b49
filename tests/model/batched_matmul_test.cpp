// The attention's batched products through oneDNN (model/batched_matmul.h) equal torch::matmul,
// forward and backward, on the strided views attention hands them.
#include <gtest/gtest.h>

#include "nmt/model/batched_matmul.h"

namespace {

void expect_like_torch(const torch::Tensor& a0, const torch::Tensor& b0) {
  auto a1 = a0.detach().clone().requires_grad_(true), b1 = b0.detach().clone().requires_grad_(true);
  auto a2 = a0.detach().clone().requires_grad_(true), b2 = b0.detach().clone().requires_grad_(true);
  // The same strides as the inputs (a transposed view stays one).
  auto view = [&](const torch::Tensor& t, const torch::Tensor& like) {
    return like.is_contiguous() ? t : t.transpose(-2, -1).contiguous().transpose(-2, -1);
  };
  const auto a = view(a1, a0), b = view(b1, b0);
  const auto c = nmt::batched_matmul(a, b), ref = torch::matmul(view(a2, a0), view(b2, b0));
  ASSERT_EQ(c.sizes(), ref.sizes());
  EXPECT_TRUE(torch::allclose(c, ref, 1e-5, 1e-5));
  const auto upstream = torch::randn_like(ref);
  (c * upstream).sum().backward();
  (ref * upstream).sum().backward();
  EXPECT_TRUE(torch::allclose(a1.grad(), a2.grad(), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(b1.grad(), b2.grad(), 1e-5, 1e-5));
}

TEST(BatchedMatmul, EqualsTorchMatmulForwardAndBackward) {
  torch::manual_seed(3);
  expect_like_torch(torch::randn({6, 7, 16}), torch::randn({6, 16, 5}));       // 3-d
  expect_like_torch(torch::randn({2, 4, 9, 8}), torch::randn({2, 4, 8, 11}));  // [B, H, T, d]
  // Q K^T: the keys arrive transposed; queries as a head-split view of [B, T, H, d].
  const auto keys = torch::randn({2, 4, 10, 8});
  expect_like_torch(torch::randn({2, 4, 9, 8}), keys.transpose(-2, -1));
  const auto q = torch::randn({2, 9, 4, 8}).transpose(1, 2);  // [B, H, T, d], not contiguous
  const auto c = nmt::batched_matmul(q, keys.transpose(-2, -1));
  EXPECT_TRUE(torch::allclose(c, torch::matmul(q, keys.transpose(-2, -1)), 1e-5, 1e-5));
}

TEST(BatchedMatmul, OtherInputsGoToTorchMatmul) {
  const auto a = torch::randn({3, 4, 5}), b = torch::randn({3, 5, 2});
  EXPECT_FALSE(nmt::batched_matmul_uses_onednn(a.to(torch::kBFloat16), b.to(torch::kBFloat16)));
  EXPECT_FALSE(nmt::batched_matmul_uses_onednn(a, torch::randn({5, 2})));  // broadcast
  EXPECT_FALSE(nmt::batched_matmul_uses_onednn(a, torch::randn({1, 5, 2}).expand({3, 5, 2})));
  EXPECT_FALSE(nmt::batched_matmul_uses_onednn(torch::randn({4, 5}), torch::randn({5, 2})));
  const auto bf = nmt::batched_matmul(a.to(torch::kBFloat16), b.to(torch::kBFloat16));
  EXPECT_EQ(bf.scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(nmt::batched_matmul(a, torch::randn({5, 2})).sizes() ==
              torch::IntArrayRef({3, 4, 2}));
}

}  // namespace
