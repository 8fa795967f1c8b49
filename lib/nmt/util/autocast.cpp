#include "nmt/util/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "nmt/util/error.h"
#include "nmt/util/system.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NMT_AUTOCAST_PER_DEVICE_API 1
#else
#define NMT_AUTOCAST_PER_DEVICE_API 0
#endif

namespace nmt {
namespace {

bool autocast_enabled(torch::DeviceType type) {
#if NMT_AUTOCAST_PER_DEVICE_API
  return at::autocast::is_autocast_enabled(type);
#else
  return type == torch::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

void set_autocast_enabled(torch::DeviceType type, bool enabled) {
#if NMT_AUTOCAST_PER_DEVICE_API
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == torch::kCPU)
    at::autocast::set_cpu_enabled(enabled);
  else
    at::autocast::set_enabled(enabled);
#endif
}

torch::ScalarType autocast_dtype(torch::DeviceType type) {
#if NMT_AUTOCAST_PER_DEVICE_API
  return at::autocast::get_autocast_dtype(type);
#else
  return type == torch::kCPU ? at::autocast::get_autocast_cpu_dtype()
                             : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_autocast_dtype(torch::DeviceType type, torch::ScalarType dtype) {
#if NMT_AUTOCAST_PER_DEVICE_API
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == torch::kCPU)
    at::autocast::set_autocast_cpu_dtype(dtype);
  else
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

}  // namespace

torch::ScalarType resolve_precision(const std::string& precision, const std::string& device) {
  if (precision == "fp32") return torch::kFloat32;
  if (precision == "bf16") return torch::kBFloat16;
  if (precision == "auto") return bf16_is_fast(device) ? torch::kBFloat16 : torch::kFloat32;
  throw ConfigError("precision '" + precision + "' is not one of fp32, bf16, auto");
}

AutocastGuard::AutocastGuard(const torch::Device& device, torch::ScalarType dtype) {
  if (dtype == torch::kFloat32) return;
  active_ = true;
  device_type_ = device.type();
  previous_enabled_ = autocast_enabled(device_type_);
  previous_dtype_ = autocast_dtype(device_type_);
  set_autocast_enabled(device_type_, true);
  set_autocast_dtype(device_type_, dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // Leaving the outermost scope drops the cached low-precision weight copies: the next scope
  // must see the weights the optimizer has updated since.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(device_type_, previous_enabled_);
  set_autocast_dtype(device_type_, previous_dtype_);
}

}  // namespace nmt
