#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nmt/util/cpu_allocator.h"

TEST(CpuAllocator, ReusesLargeBlocksAndKeepsTensorsCorrect) {
  nmt::use_caching_cpu_allocator();
  nmt::use_caching_cpu_allocator();  // idempotent
  const void* first = nullptr;
  {
    auto a = torch::full({1 << 20}, 3.0f);  // 4 MiB: a cached size
    first = a.data_ptr();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
    EXPECT_EQ(a.sum().item<double>(), 3.0 * (1 << 20));
  }
  const auto before = nmt::cpu_allocator_stats();
  EXPECT_GE(before.cached_bytes, 4 << 20);
  {
    // A slightly smaller request falls in the same size class and gets the same block back.
    auto b = torch::zeros({(1 << 20) - 1000});
    EXPECT_EQ(b.data_ptr(), first);
    EXPECT_EQ(b.abs().sum().item<double>(), 0.0);  // zeros() really zeroes a reused block
    const auto during = nmt::cpu_allocator_stats();
    EXPECT_EQ(during.cache_hits, before.cache_hits + 1);
    EXPECT_GT(during.live_bytes, 0);
  }
  // Small tensors and empty tensors go through malloc and still work.
  auto small = torch::arange(10);
  EXPECT_EQ(small.sum().item<int64_t>(), 45);
  auto empty = torch::empty({0});
  EXPECT_EQ(empty.numel(), 0);
}

TEST(CpuAllocator, AutogradAndMatmulWorkOnCachedBlocks) {
  nmt::use_caching_cpu_allocator();
  for (int i = 0; i < 3; ++i) {
    auto w = torch::randn({512, 600}, torch::requires_grad());
    auto x = torch::randn({700, 512});
    auto y = torch::matmul(x, w).relu().sum();
    y.backward();
    EXPECT_TRUE(torch::isfinite(w.grad()).all().item<bool>());
    EXPECT_TRUE(torch::allclose(w.grad(),
                                torch::matmul(x.t(), (torch::matmul(x, w) > 0).to(torch::kFloat))));
  }
}

TEST(CpuAllocator, FootprintStaysNearThePeakOnVaryingShapes) {
  nmt::use_caching_cpu_allocator();
  // 60 tensors of 8..67 MiB, one at a time: every size is new, nothing cached fits, so without a
  // bound the free lists would end up holding ~2.2 GiB.
  for (int i = 0; i < 60; ++i) {
    auto t = torch::empty({static_cast<int64_t>(8 + i) << 18});  // (8 + i) MiB of floats
    t.fill_(1.0f);
  }
  const auto s = nmt::cpu_allocator_stats();
  const int64_t slack = std::max<int64_t>(s.peak_live_bytes / 4, int64_t{64} << 20);
  EXPECT_LE(s.live_bytes + s.cached_bytes, s.peak_live_bytes + slack);
  EXPECT_GT(s.evicted_bytes, 0);
  EXPECT_GE(s.peak_live_bytes, int64_t{67} << 20);
}
