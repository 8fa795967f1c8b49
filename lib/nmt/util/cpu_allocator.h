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
// slack), mapped with mmap (so a block given back really leaves the process), aligned to 2 MiB
// and marked MADV_HUGEPAGE (transparent huge pages: 512x fewer faults
// the first time), and on release kept in a per-size free list for the next request of that
// size or of a size up to 1/4 smaller (batch shapes vary from step to step). The footprint
// (blocks in tensors + blocks cached) is bounded: when a request finds no cached block and the
// footprint would exceed the most bytes ever live at once plus a slack (a quarter of that, at
// least 64 MiB), cached blocks are returned to the OS, least recently released first. An earlier
// version capped only the cache, at 4 GiB, and a small-preset training run grew to 3.2 GB of RSS on
// varying batch shapes. Smaller requests go to malloc, which already reuses them well. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nmt {

struct CpuAllocatorStats {
  int64_t allocations = 0;      // large-block requests served
  int64_t cache_hits = 0;       // ... of which from the free lists
  int64_t cached_bytes = 0;     // bytes currently held in the free lists
  int64_t live_bytes = 0;       // bytes of large blocks currently in tensors
  int64_t peak_live_bytes = 0;  // the most bytes of large blocks ever in tensors at once
  int64_t evicted_bytes = 0;    // cached bytes returned to the OS to stay within the budget
};

// Installs the caching allocator as LibTorch's CPU allocator (idempotent; call before creating
// tensors that should use it: tensors allocated earlier are freed by their own allocator).
// cache_limit_mib > 0 fixes the slack above the peak live bytes (0 = a quarter of the peak, at
// least 64 MiB).
void use_caching_cpu_allocator(int64_t cache_limit_mib = 0);

// Statistics of the caching allocator (zeros when it was never installed).
CpuAllocatorStats cpu_allocator_stats();

}  // namespace nmt
