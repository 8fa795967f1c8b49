#include "nmt/model/linear.h"

#include "nmt/util/error.h"

namespace nmt {

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
  if (int8_) return int8_->forward(x);
  return torch::nn::LinearImpl::forward(x);
}

void LinearImpl::quantize_int8() {
  if (int8_) return;
  torch::NoGradGuard no_grad;
  auto [q, scale] = quantize_rows_int8(weight);
  const auto shape = weight.sizes().vec();
  prepare_int8();
  named_buffers(/*recurse=*/false)["weight_int8"].copy_(q);
  named_buffers(/*recurse=*/false)["weight_scale"].copy_(scale);
  TORCH_CHECK(shape[0] == q.size(0) && shape[1] == q.size(1), "quantize_int8: shape changed");
  finish_int8();
}

void LinearImpl::prepare_int8() {
  if (!int8_gemm_available())
    throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
  torch::NoGradGuard no_grad;
  const int64_t out = options.out_features(), in = options.in_features();
  register_buffer("weight_int8", torch::zeros({out, in}, torch::kInt8));
  register_buffer("weight_scale", torch::ones({out}, torch::kFloat32));
  // The parameter stays registered (the module's layout is fixed) but holds nothing.
  weight.set_data(torch::empty({0}, weight.options()));
  if (bias.defined()) bias.set_data(bias.to(torch::kFloat32));
}

void LinearImpl::finish_int8() {
  auto buffers = named_buffers(/*recurse=*/false);
  TORCH_CHECK(buffers.contains("weight_int8"), "finish_int8 before prepare_int8");
  int8_ = std::make_shared<const Int8Gemm>(buffers["weight_int8"], buffers["weight_scale"],
                                           bias.defined() ? bias : torch::Tensor());
}

}  // namespace nmt
