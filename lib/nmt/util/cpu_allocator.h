// A caching allocator for LibTorch's CPU tensors, so a training or decoding loop stops paying the
// kernel for fresh memory at every step.
//
// Why: glibc serves every allocation above its mmap threshold (at most 32 MiB) with a fresh mmap
// and returns it with munmap, so each step's logits, their float32 log-softmax and its gradient
// (hundreds of MiB for a 4000-token batch) are page-faulted and zeroed by the kernel again, and
// smaller tensors suffer the same after heap trimming. Measured on this project's 2-core VM, page
// faults were ~20% of a bf16 training step and the log-softmax over the logits ran ~50x slower
// than its memory traffic implies.
//
// How: blocks of 1 MiB and more are rounded up to one of 8 sizes per power of two (at most 12.5%
// slack), aligned to 2 MiB and marked MADV_HUGEPAGE (transparent huge pages: 512x fewer faults
// the first time), and on release kept in a per-size free list for the next request of that
// size. Blocks beyond the cache limit are returned to the OS. Smaller requests go to malloc,
// which already reuses them well. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nmt {

struct CpuAllocatorStats {
  int64_t allocations = 0;   // large-block requests served
  int64_t cache_hits = 0;    // ... of which from the free lists
  int64_t cached_bytes = 0;  // bytes currently held in the free lists
  int64_t live_bytes = 0;    // bytes of large blocks currently in tensors
};

// Installs the caching allocator as LibTorch's CPU allocator (idempotent; call before creating
// tensors that should use it: tensors allocated earlier are freed by their own allocator).
// cache_limit_mib caps the free lists (0 = 4096 MiB).
void use_caching_cpu_allocator(int64_t cache_limit_mib = 0);

// Statistics of the caching allocator (zeros when it was never installed).
CpuAllocatorStats cpu_allocator_stats();

}  // namespace nmt
