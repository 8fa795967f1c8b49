#include <torch/torch.h>
#include <torch/version.h>

#include <iostream>

#include "commands.h"
#include "nmt/util/system.h"
#include "nmt/util/version.h"

namespace nmt::app {

void print_version() {
  const auto& cpu = cpu_features();
  std::cout << "nmt " << NMT_VERSION << "\n"
            << "LibTorch " << TORCH_VERSION << "\n"
            << "BLAS: " << blas_description() << "\n"
            << "threads: " << torch::get_num_threads() << " intra-op (default --threads "
            << default_threads() << ")\n"
            << "CPU: avx2=" << cpu.avx2 << " avx512f=" << cpu.avx512f
            << " avx512_bf16=" << cpu.avx512_bf16 << " amx_bf16=" << cpu.amx_bf16 << " -> bf16 "
            << (bf16_is_fast("cpu") ? "fast (precision auto = bf16)"
                                    : "slow (precision auto = fp32)")
            << "\n"
            << "CUDA: "
            << (torch::cuda::is_available()
                    ? "available, " + std::to_string(torch::cuda::device_count()) + " device(s)"
                    : std::string("not available"))
            << "\n";
}

void add_version_command(CLI::App& app) {
  app.add_subcommand("version", "Print versions, BLAS, threads and devices")
      ->callback(print_version);
}

}  // namespace nmt::app
