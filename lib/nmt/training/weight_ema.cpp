#include "nmt/training/weight_ema.h"

#include <algorithm>

#include "nmt/util/error.h"

namespace nmt {

WeightEma::WeightEma(std::vector<torch::Tensor> parameters, double decay)
    : params_(std::move(parameters)), decay_(decay) {
  torch::NoGradGuard no_grad;
  values_.reserve(params_.size());
  for (const auto& p : params_)
    values_.push_back(p.detach().to(torch::kFloat).clone(torch::MemoryFormat::Contiguous));
}

double WeightEma::decay_at(double decay, int64_t step) {
  const double s = static_cast<double>(std::max<int64_t>(step, 0));
  return std::min(decay, (1.0 + s) / (10.0 + s));
}

void WeightEma::update(int64_t step) {
  torch::NoGradGuard no_grad;
  const double d = decay_at(decay_, step);
  for (size_t i = 0; i < params_.size(); ++i) values_[i].mul_(d).add_(params_[i].detach(), 1.0 - d);
}

void WeightEma::swap() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor weights = params_[i].detach().clone();
    params_[i].detach().copy_(values_[i]);
    values_[i].copy_(weights);
  }
}

void WeightEma::set_values(const std::vector<torch::Tensor>& values) {
  if (values.size() != params_.size())
    throw CheckpointError("the weight average holds " + std::to_string(values.size()) +
                          " tensors, the model has " + std::to_string(params_.size()) +
                          " parameters");
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].sizes() != params_[i].sizes())
      throw CheckpointError("the weight average of parameter " + std::to_string(i) + " has shape " +
                            c10::str(values[i].sizes()) + ", the model's is " +
                            c10::str(params_[i].sizes()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < values.size(); ++i) values_[i].copy_(values[i]);
}

}  // namespace nmt
