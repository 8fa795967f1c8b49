#include "nmt/util/caching_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define NMT_ALLOCATE_CONST
#define NMT_ALLOCATOR_HAS_COPY_DATA 1
#else
#define NMT_ALLOCATE_CONST const
#define NMT_ALLOCATOR_HAS_COPY_DATA 0
#endif

namespace nmt {
namespace {

constexpr size_t kMinCached = size_t{256} << 10;  // smaller requests: the default allocator
constexpr size_t kHugePage = size_t{2} << 20;

// Rounds up to a multiple of 1/8 of the largest power of two not above n.
size_t size_class(size_t n) {
  size_t power = 1;
  while (power <= n / 2) power *= 2;
  const size_t step = std::max<size_t>(power / 8, 4096);
  return (n + step - 1) / step * step;
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  CachingCpuAllocator(c10::Allocator* fallback, size_t max_cached)
      : fallback_(fallback), fallback_deleter_(fallback->raw_deleter()), max_cached_(max_cached) {}

  c10::DataPtr allocate(size_t n) NMT_ALLOCATE_CONST override {
    if (n < kMinCached) return fallback_->allocate(n);
    void* block = self().take(n);
    // The deleter receives the context: the block itself (which also makes raw_allocate work).
    return {block, block, &CachingCpuAllocator::release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &CachingCpuAllocator::release; }
#if NMT_ALLOCATOR_HAS_COPY_DATA
  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }
#endif

  void* take(size_t n) {
    const size_t size = size_class(n);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.allocations += 1;
      auto it = free_.lower_bound(size);
      if (it != free_.end() && it->first <= size + size / 4) {
        void* block = it->second;
        stats_.cached_bytes -= it->first;
        stats_.in_use_bytes += it->first;
        stats_.cache_hits += 1;
        free_.erase(it);
        return block;
      }
    }
    void* block = nullptr;
    const size_t alignment = size >= 2 * kHugePage ? kHugePage : 64;
    if (posix_memalign(&block, alignment, size) != 0) {
      release_all();  // cached blocks of other sizes may be what the system is missing
      if (posix_memalign(&block, alignment, size) != 0) throw std::bad_alloc();
    }
    // Big blocks in 2 MiB pages: 512x fewer faults on first touch (where THP is "madvise").
    if (alignment == kHugePage) madvise(block, size, MADV_HUGEPAGE);
    std::lock_guard<std::mutex> lock(mutex_);
    sizes_[block] = size;
    stats_.in_use_bytes += size;
    stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.in_use_bytes + stats_.cached_bytes);
    return block;
  }

  static void release(void* block) {
    if (!block) return;
    CachingCpuAllocator& a = self();
    std::unique_lock<std::mutex> lock(a.mutex_);
    auto it = a.sizes_.find(block);
    if (it == a.sizes_.end()) {  // a small block from raw_allocate: the fallback's
      lock.unlock();
      if (a.fallback_deleter_) a.fallback_deleter_(block);
      else std::free(block);
      return;
    }
    const size_t size = it->second;
    a.stats_.in_use_bytes -= size;
    if (a.stats_.cached_bytes + size > a.max_cached_) {
      a.sizes_.erase(it);
      lock.unlock();
      std::free(block);
      return;
    }
    a.free_.emplace(size, block);
    a.stats_.cached_bytes += size;
  }

  void release_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [size, block] : free_) {
      sizes_.erase(block);
      std::free(block);
    }
    free_.clear();
    stats_.cached_bytes = 0;
  }

  CachingAllocatorStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  static CachingCpuAllocator& self();
  static CachingCpuAllocator* instance;

 private:
  c10::Allocator* fallback_;
  c10::DeleterFnPtr fallback_deleter_;
  size_t max_cached_;
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;          // size class -> free block
  std::unordered_map<void*, size_t> sizes_;    // every block we own -> its size
  CachingAllocatorStats stats_;
};

CachingCpuAllocator* CachingCpuAllocator::instance = nullptr;
CachingCpuAllocator& CachingCpuAllocator::self() { return *instance; }

std::mutex g_install_mutex;

}  // namespace

void enable_caching_cpu_allocator(size_t max_cached_bytes) {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (CachingCpuAllocator::instance) return;
  // Never destroyed: tensors may be freed during static destruction.
  CachingCpuAllocator::instance = new CachingCpuAllocator(c10::GetDefaultCPUAllocator(), max_cached_bytes);
  c10::SetCPUAllocator(CachingCpuAllocator::instance, /*priority=*/1);
}

bool caching_cpu_allocator_enabled() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  return CachingCpuAllocator::instance != nullptr;
}

void release_cached_cpu_memory() {
  if (caching_cpu_allocator_enabled()) CachingCpuAllocator::instance->release_all();
}

CachingAllocatorStats caching_cpu_allocator_stats() {
  if (!caching_cpu_allocator_enabled()) return {};
  return CachingCpuAllocator::instance->stats();
}

}  // namespace nmt
