#include "nmt/util/cpu_allocator.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <algorithm>
#include <map>
#include <unordered_map>
#include <vector>

namespace nmt {

namespace {

constexpr size_t kMinCached = size_t{1} << 20;  // below this, plain malloc
constexpr size_t kHugePage = size_t{2} << 20;   // THP size on x86-64
constexpr size_t kSmallAlignment = 64;          // what LibTorch's own CPU allocator guarantees
constexpr size_t kMaxSlack = 4;  // a cached block up to 1/4 larger may serve a request
constexpr size_t kMinSlackBytes = size_t{64} << 20;

// Rounds n (>= kMinCached) up to one of 8 sizes per power of two.
size_t size_class(size_t n) {
  size_t p = size_t{1} << (63 - __builtin_clzll(n));  // largest power of two <= n
  const size_t step = p / 8;
  return (n + step - 1) / step * step;
}

// Large blocks come straight from mmap, not from malloc: glibc raises its mmap threshold after
// the first large free (up to 32 MiB), and from then on serves such blocks from its heap, where
// a freed block stays resident. munmap really returns the memory.
void* map_block(size_t size) {
  const size_t length = size + kHugePage;  // room to align the start to a huge page
  void* raw = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  const size_t head = aligned - start, tail = length - head - size;
  if (head > 0) munmap(raw, head);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* block = reinterpret_cast<void*>(aligned);
  madvise(block, size, MADV_HUGEPAGE);  // advisory: failure only costs speed
  return block;
}

void unmap_block(void* block, size_t size) { munmap(block, size); }

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(size_t limit) : limit_(limit) {}

  // LibTorch 1.x declares allocate() const, 2.3+ non-const: defining both overrides whichever
  // the base class has (the other is an ordinary overload).
  c10::DataPtr allocate(size_t n) const {
    return const_cast<CachingCpuAllocator*>(this)->allocate_block(n);
  }
  c10::DataPtr allocate(size_t n) { return allocate_block(n); }
  // Pure virtual in LibTorch 2.3+; unused by 1.x.
  void copy_data(void* dest, const void* src, std::size_t count) const {
    std::memcpy(dest, src, count);
  }

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
    size_t size = size_class(n);
    void* ptr = nullptr;
    std::vector<std::pair<void*, size_t>> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.allocations;
      // Best fit among the cached blocks at most kMaxSlack larger: batch shapes vary from step to
      // step, and a near miss reused beats a fresh, page-faulting block.
      for (auto it = free_.lower_bound(size);
           it != free_.end() && it->first <= size + size / kMaxSlack; ++it) {
        if (it->second.empty()) continue;
        ptr = it->second.back().ptr;  // the most recently released: likeliest still in cache
        it->second.pop_back();
        size = it->first;
        ++stats_.cache_hits;
        stats_.cached_bytes -= static_cast<int64_t>(size);
        break;
      }
      if (!ptr) evict_for(size, evicted);
      if (ptr) note_live(ptr, size);
    }
    for (const auto& [p, bytes] : evicted) unmap_block(p, bytes);
    if (!ptr) {
      ptr = map_block(size);
      std::lock_guard<std::mutex> lock(mutex_);
      note_live(ptr, size);
    }
    return {ptr, ptr, &free_any, cpu};
  }

  // Takes cached blocks out, least recently released first, until the blocks held (live +
  // cached) plus `size` fit in the footprint budget: the high-water mark of live bytes plus a
  // slack. Sizes that recent batches did not need go first; the blocks every step uses (the
  // logits, say) stay. Called under mutex_; the caller unmaps the blocks outside the lock.
  void evict_for(size_t size, std::vector<std::pair<void*, size_t>>& evicted) {
    const size_t budget = footprint_budget(static_cast<size_t>(stats_.live_bytes) + size);
    while (static_cast<size_t>(stats_.live_bytes + stats_.cached_bytes) + size > budget &&
           stats_.cached_bytes > 0) {
      auto oldest = free_.end();
      for (auto it = free_.begin(); it != free_.end(); ++it)
        if (!it->second.empty() && (oldest == free_.end() ||
                                    it->second.front().released < oldest->second.front().released))
          oldest = it;
      evicted.emplace_back(oldest->second.front().ptr, oldest->first);
      oldest->second.erase(oldest->second.begin());
      stats_.cached_bytes -= static_cast<int64_t>(oldest->first);
      stats_.evicted_bytes += static_cast<int64_t>(oldest->first);
    }
  }

  // What the allocator may hold: the most live bytes ever needed (including the request being
  // served) plus a slack of a quarter of that (at least 64 MiB), or the fixed cache limit when
  // one was given.
  size_t footprint_budget(size_t live_after) const {
    const size_t peak = std::max(static_cast<size_t>(stats_.peak_live_bytes), live_after);
    if (limit_ > 0) return peak + limit_;
    return peak + std::max(peak / 4, kMinSlackBytes);
  }

  void note_live(void* ptr, size_t size) {
    live_[ptr] = size;
    stats_.live_bytes += static_cast<int64_t>(size);
    stats_.peak_live_bytes = std::max(stats_.peak_live_bytes, stats_.live_bytes);
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
        // Keeping it cannot grow the footprint (live + cached stays the same): always cache.
        free_[size].push_back({ptr, ++clock_});
        stats_.cached_bytes += static_cast<int64_t>(size);
        return;
      }
    }
    std::free(ptr);  // a small block (large ones are never freed here: they stay cached)
  }

  size_t limit_;
  std::mutex mutex_;
  struct Cached {
    void* ptr;
    uint64_t released;  // clock_ at release: oldest first out when evicting
  };
  std::map<size_t, std::vector<Cached>> free_;  // size class -> cached blocks, oldest first
  uint64_t clock_ = 0;
  std::unordered_map<void*, size_t> live_;  // large blocks in use -> size class
  CpuAllocatorStats stats_;
};

CachingCpuAllocator* CachingCpuAllocator::g_self = nullptr;
CachingCpuAllocator* g_allocator = nullptr;
std::once_flag g_once;

}  // namespace

void use_caching_cpu_allocator(int64_t cache_limit_mib) {
  std::call_once(g_once, [&] {
    const size_t limit = cache_limit_mib > 0 ? static_cast<size_t>(cache_limit_mib) << 20 : 0;
    // Never freed: tensors may outlive main() in static destructors.
    g_allocator = new CachingCpuAllocator(limit);
    CachingCpuAllocator::g_self = g_allocator;
    c10::SetCPUAllocator(g_allocator, /*priority=*/10);
  });
}

CpuAllocatorStats cpu_allocator_stats() {
  return g_allocator ? g_allocator->stats() : CpuAllocatorStats{};
}

}  // namespace nmt
