// A caching CPU allocator for LibTorch: large freed blocks are kept and handed out again instead
// of going back to the C library (and from there, for big blocks, to the kernel).
//
// Why: every training step allocates the same few hundred activation and gradient buffers of
// megabytes each. glibc serves such sizes with fresh mmaps (or, with posix_memalign, with new
// heap space it cannot reuse for the next, slightly larger, aligned request), so each step
// page-faults its whole working set again; on a VM a fault costs ~10-20 us and a 14 MB buffer
// ~50 ms of kernel time -- more than the matmul that fills it. With blocks reused, a steady-state
// step faults nothing. Sizes are rounded up to 1/8 of their power of two (at most 12.5% slack)
// and a free block up to 25% larger than asked may serve a request. Small requests (< 256 KiB)
// go to LibTorch's default allocator, which glibc serves well.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nmt {

struct CachingAllocatorStats {
  int64_t allocations = 0;     // large requests served
  int64_t cache_hits = 0;      // ... from a cached block
  size_t cached_bytes = 0;     // free blocks held now
  size_t in_use_bytes = 0;     // large blocks handed out now
  size_t peak_bytes = 0;       // peak of cached + in use
};

// Installs the allocator as LibTorch's CPU allocator (idempotent; tensors allocated before keep
// their own deleters). `max_cached_bytes` caps the free blocks kept (beyond it, blocks are freed).
void enable_caching_cpu_allocator(size_t max_cached_bytes = size_t{2} << 30);
bool caching_cpu_allocator_enabled();
// Gives every cached free block back to the system.
void release_cached_cpu_memory();
CachingAllocatorStats caching_cpu_allocator_stats();

}  // namespace nmt
