// Facts about the machine the process runs on: CPU features, BLAS library, threads, devices.
#pragma once

#include <string>

namespace nmt {

struct CpuFeatures {
  bool avx2 = false;
  bool avx512f = false;
  bool avx512_bf16 = false;  // AVX512_BF16: native bf16 dot products
  bool amx_bf16 = false;     // AMX tiles with bf16 (Sapphire Rapids and later)
};
// Read once through CPUID (and the OS's XSAVE state for AMX/AVX-512).
const CpuFeatures& cpu_features();

// True when bf16 matmuls are fast here: AVX512_BF16 or AMX on CPU (oneDNN path), or CUDA on GPU.
bool bf16_is_fast(const std::string& device);

// The BLAS shared library actually loaded (resolved through Debian's alternatives symlinks),
// e.g. "OpenBLAS 0.3.21 (.../openblas-pthread/libblas.so.3)".
std::string blas_description();

// Sets LibTorch's intra-op threads and, when OpenBLAS is loaded, OpenBLAS's pool to the same
// number, so the two pools do not oversubscribe the cores. n <= 0 picks default_threads().
void set_threads(int n);
// The default thread count: the number of cores available to this process (sched affinity).
int default_threads();

// "cpu" or "cuda[:N]" validated against what this build and machine have; throws ConfigError.
std::string check_device(const std::string& device);

// Peak resident set size of this process in MiB (from getrusage).
double peak_rss_mib();

}  // namespace nmt
