// Measures this machine's matmul peak in fp32 (BLAS) and bf16 (oneDNN) for 1..N intra-op
// threads: the reference for model FLOP utilisation and for choosing the --threads default.
//   bench_matmul [SIZE=1024] [MAX_THREADS=cores]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "nmt/util/system.h"

namespace {

double gflops(torch::ScalarType dtype, int64_t n) {
  auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 3; ++i) torch::mm(a, b);  // warm-up (oneDNN builds its kernels here)
  int reps = 0;
  const auto start = std::chrono::steady_clock::now();
  double seconds = 0;
  while (seconds < 2.0) {
    torch::mm(a, b);
    ++reps;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return 2.0 * n * n * n * reps / seconds / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1024;
  const int max_threads = argc > 2 ? std::atoi(argv[2]) : nmt::default_threads();
  std::printf("matmul %ldx%ld, BLAS: %s\n", static_cast<long>(n), static_cast<long>(n),
              nmt::blas_description().c_str());
  for (int t = 1; t <= max_threads; ++t) {
    nmt::set_threads(t);
    std::printf("threads %d: fp32 %.1f GFLOP/s, bf16 %.1f GFLOP/s\n", t, gflops(torch::kFloat32, n),
                gflops(torch::kBFloat16, n));
  }
  std::printf("peak RSS %.0f MiB\n", nmt::peak_rss_mib());
}
