#include <gtest/gtest.h>

#include <c10/core/CPUAllocator.h>
#include <torch/torch.h>

#include "nmt/util/caching_allocator.h"

namespace nmt {
namespace {

TEST(CachingAllocator, ReusesFreedLargeBlocks) {
  enable_caching_cpu_allocator();
  enable_caching_cpu_allocator();  // idempotent
  ASSERT_TRUE(caching_cpu_allocator_enabled());
  const CachingAllocatorStats before = caching_cpu_allocator_stats();
  for (int i = 0; i < 5; ++i) {
    torch::Tensor t = torch::empty({1 << 20});  // 4 MiB
    t.fill_(static_cast<float>(i));
  }
  const CachingAllocatorStats after = caching_cpu_allocator_stats();
  EXPECT_EQ(after.allocations - before.allocations, 5);
  EXPECT_GE(after.cache_hits - before.cache_hits, 4);
  EXPECT_GE(after.cached_bytes, size_t{4} << 20);
}

TEST(CachingAllocator, AReusedBlockHoldsTheNewTensorsDataOnly) {
  enable_caching_cpu_allocator();
  {
    torch::Tensor first = torch::full({300000}, 7.0f);
  }
  torch::Tensor second = torch::zeros({300000});
  EXPECT_EQ(second.sum().item<double>(), 0.0);
  torch::Tensor third = torch::arange(300000, torch::kFloat32);
  EXPECT_EQ(third[299999].item<float>(), 299999.0f);
}

TEST(CachingAllocator, SmallTensorsAndRawAllocationsStillWork) {
  enable_caching_cpu_allocator();
  torch::Tensor small = torch::ones({10});
  EXPECT_EQ(small.sum().item<double>(), 10.0);
  c10::Allocator* allocator = c10::GetCPUAllocator();
  for (size_t bytes : {size_t{100}, size_t{1} << 20}) {
    void* p = allocator->raw_allocate(bytes);
    ASSERT_NE(p, nullptr);
    static_cast<char*>(p)[bytes - 1] = 1;
    allocator->raw_deallocate(p);
  }
}

TEST(CachingAllocator, ReleaseGivesCachedBlocksBack) {
  enable_caching_cpu_allocator();
  {
    torch::Tensor t = torch::empty({1 << 20});
  }
  EXPECT_GT(caching_cpu_allocator_stats().cached_bytes, 0u);
  release_cached_cpu_memory();
  EXPECT_EQ(caching_cpu_allocator_stats().cached_bytes, 0u);
}

}  // namespace
}  // namespace nmt
