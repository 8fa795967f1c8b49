#include "nmt/util/system.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <sys/resource.h>

#include <torch/torch.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "nmt/util/error.h"

namespace nmt {
namespace {

CpuFeatures detect_cpu() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    f.avx2 = ebx & (1u << 5);
    f.avx512f = ebx & (1u << 16);
    f.amx_bf16 = edx & (1u << 22);
  }
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) f.avx512_bf16 = eax & (1u << 5);
  return f;
}

int collect_blas(struct dl_phdr_info* info, size_t, void* out) {
  std::string name = info->dlpi_name ? info->dlpi_name : "";
  if (name.find("blas") != std::string::npos) {
    char resolved[PATH_MAX];
    if (realpath(name.c_str(), resolved)) name = resolved;
    auto* s = static_cast<std::string*>(out);
    if (s->empty()) *s = name;
  }
  return 0;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect_cpu();
  return features;
}

bool bf16_is_fast(const std::string& device) {
  if (device.rfind("cuda", 0) == 0) return true;
  const auto& f = cpu_features();
  return f.avx512_bf16 || f.amx_bf16;
}

std::string blas_description() {
  std::string path;
  dl_iterate_phdr(collect_blas, &path);
  using GetConfig = char* (*)();
  if (auto get_config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    const std::string config = get_config();
    // The pthread build runs its own thread pool beside LibTorch's OpenMP one (~1.6x slower fp32
    // training on 2 cores, scripts/setup.sh).
    const std::string hint = config.find("USE_OPENMP") == std::string::npos
                                 ? " -- OpenBLAS's pthread build fights LibTorch's OpenMP threads "
                                   "for the cores: install libopenblas0-openmp (scripts/setup.sh)"
                                 : "";
    return config + (path.empty() ? "" : " (" + path + ")") + hint;
  }
  if (path.empty()) return "none found (LibTorch's own kernels)";
  if (path.find("openblas") == std::string::npos)
    return path + " -- reference BLAS is ~17x slower: install libopenblas0-pthread";
  return path;
}

int default_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

void set_threads(int n) {
  if (n <= 0) n = default_threads();
  torch::set_num_threads(n);
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}

std::string check_device(const std::string& device) {
  if (device == "cpu") return device;
  if (device.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw ConfigError("--device " + device + ": CUDA is not available in this build or machine");
    torch::Device d(device);  // validates "cuda:N"
    if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
      throw ConfigError("--device " + device + ": only " +
                        std::to_string(torch::cuda::device_count()) + " CUDA device(s) present");
    return device;
  }
  throw ConfigError("--device " + device + ": expected cpu, cuda or cuda:N");
}

double peak_rss_mib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace nmt
