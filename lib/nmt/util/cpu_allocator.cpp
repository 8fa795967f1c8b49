#include "nmt/util/cpu_allocator.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace nmt {

namespace {

constexpr size_t kMinCached = size_t{1} << 20;   // below this, plain malloc
constexpr size_t kHugePage = size_t{2} << 20;    // THP size on x86-64
constexpr size_t kSmallAlignment = 64;           // what LibTorch's own CPU allocator guarantees

// Rounds n (>= kMinCached) up to one of 8 sizes per power of two.
size_t size_class(size_t n) {
  size_t p = size_t{1} << (63 - __builtin_clzll(n));  // largest power of two <= n
  const size_t step = p / 8;
  return (n + step - 1) / step * step;
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(size_t limit) : limit_(limit) {}

  // LibTorch 1.x declares allocate() const, 2.3+ non-const: defining both overrides whichever
  // the base class has (the other is an ordinary overload).
  c10::DataPtr allocate(size_t n) const { return const_cast<CachingCpuAllocator*>(this)->allocate_block(n); }
  c10::DataPtr allocate(size_t n) { return allocate_block(n); }
  // Pure virtual in LibTorch 2.3+; unused by 1.x.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  static CachingCpuAllocator* g_self;  // the installed instance (free_any has no `this`)

  CpuAllocatorStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  // LibTorch's raw_allocate()/raw_deallocate() need the context to be the data pointer and one
  // deleter for every block, so large blocks are recognised by their entry in live_.
  c10::DeleterFnPtr raw_deleter() const override { return &free_any; }

  static void free_any(void* ptr) { g_self->release(ptr); }

  c10::DataPtr allocate_block(size_t n) {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n == 0) return {nullptr, nullptr, &free_any, cpu};
    if (n < kMinCached) {
      void* ptr = nullptr;
      if (posix_memalign(&ptr, kSmallAlignment, n) != 0) throw std::bad_alloc();
      return {ptr, ptr, &free_any, cpu};
    }
    const size_t size = size_class(n);
    void* ptr = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.allocations;
      auto& list = free_[size];
      if (!list.empty()) {
        ptr = list.back();
        list.pop_back();
        ++stats_.cache_hits;
        stats_.cached_bytes -= static_cast<int64_t>(size);
      }
    }
    if (!ptr) {
      if (posix_memalign(&ptr, kHugePage, size) != 0) throw std::bad_alloc();
      madvise(ptr, size, MADV_HUGEPAGE);  // advisory: failure only costs speed
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_[ptr] = size;
      stats_.live_bytes += static_cast<int64_t>(size);
    }
    return {ptr, ptr, &free_any, cpu};
  }

  void release(void* ptr) {
    if (!ptr) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(ptr);
      if (it != live_.end()) {
        const size_t size = it->second;
        live_.erase(it);
        stats_.live_bytes -= static_cast<int64_t>(size);
        if (static_cast<size_t>(stats_.cached_bytes) + size <= limit_) {
          free_[size].push_back(ptr);
          stats_.cached_bytes += static_cast<int64_t>(size);
          return;
        }
      }
    }
    std::free(ptr);  // a small block, or a large one beyond the cache limit
  }

  size_t limit_;
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // size class -> cached blocks
  std::unordered_map<void*, size_t> live_;                // large blocks in use -> size class
  CpuAllocatorStats stats_;
};

CachingCpuAllocator* CachingCpuAllocator::g_self = nullptr;
CachingCpuAllocator* g_allocator = nullptr;
std::once_flag g_once;

}  // namespace

void use_caching_cpu_allocator(int64_t cache_limit_mib) {
  std::call_once(g_once, [&] {
    const int64_t mib = cache_limit_mib > 0 ? cache_limit_mib : 4096;
    // Never freed: tensors may outlive main() in static destructors.
    g_allocator = new CachingCpuAllocator(static_cast<size_t>(mib) << 20);
    CachingCpuAllocator::g_self = g_allocator;
    c10::SetCPUAllocator(g_allocator, /*priority=*/10);
  });
}

CpuAllocatorStats cpu_allocator_stats() { return g_allocator ? g_allocator->stats() : CpuAllocatorStats{}; }

}  // namespace nmt
