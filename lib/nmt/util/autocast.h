// Mixed precision: a scope in which LibTorch's autocast runs matmul-like ops (linear, matmul, bmm,
// conv) in a lower precision while the weights stay float32 ("master weights"): each weight is
// cast once per scope (autocast's cast cache) and its gradient flows back to the float32 copy.
// Backward passes run outside the scope, as PyTorch prescribes.
//
// LibTorch changed this API in 2.4 (per-device-type functions); the guard hides the difference.
#pragma once

#include <torch/torch.h>

#include <string>

namespace nmt {

// Resolves a `precision` setting (auto | fp32 | bf16) for `device`: auto is bf16 where
// bf16_is_fast(device), else fp32. Returns kFloat32 or kBFloat16. Throws ConfigError for other
// names. (Decoding resolves its decode.precision / --precision with it too.)
torch::ScalarType resolve_precision(const std::string& precision, const std::string& device);

class AutocastGuard {
 public:
  // Enables autocast to `dtype` on the device type of `device` (cpu or cuda); does nothing
  // when dtype is kFloat32.
  AutocastGuard(const torch::Device& device, torch::ScalarType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  torch::DeviceType device_type_ = torch::kCPU;
  bool previous_enabled_ = false;
  torch::ScalarType previous_dtype_ = torch::kBFloat16;
};

}  // namespace nmt
