// nmt's Linear layer: torch::nn::Linear (same parameters, names, initialisation and float forward)
// that can also run int8 (see int8_gemm.h) once quantized for decoding.
//
// Quantized, the layer holds its weight as two buffers, `weight_int8` [out, in] int8 and
// `weight_scale` [out] float32, and its float `weight` parameter becomes an empty tensor, so a
// saved int8 model (nmt quantize) stores only those and loads without the float weights.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "nmt/model/int8_gemm.h"

namespace nmt {

class LinearImpl : public torch::nn::LinearImpl {
 public:
  using torch::nn::LinearImpl::LinearImpl;

  // x [..., in] -> [..., out]: int8 once quantized, else torch::nn::Linear's float forward.
  torch::Tensor forward(const torch::Tensor& x);

  // Quantizes the float weight per output row and frees it. Throws ConfigError where int8 is not
  // available (int8_gemm.h).
  void quantize_int8();
  // Turns the layer into an empty int8 layer whose buffers a saved int8 model fills (then call
  // finish_int8()); frees the float weight.
  void prepare_int8();
  // Packs the loaded int8 buffers for the kernels.
  void finish_int8();
  bool is_int8() const { return static_cast<bool>(int8_); }

 private:
  std::shared_ptr<const Int8Gemm> int8_;
};

// A module holder, used like torch::nn::Linear: nmt::Linear(in, out),
// nmt::Linear(torch::nn::LinearOptions(in, out).bias(false)).
class Linear : public torch::nn::ModuleHolder<LinearImpl> {
 public:
  using torch::nn::ModuleHolder<LinearImpl>::ModuleHolder;
};

}  // namespace nmt
