#include "nmt/training/adam_optimizer.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <unordered_set>

#include "nmt/util/error.h"

namespace nmt {
namespace {

// Coefficients of one update, shared by the fused and the tensor-op paths.
struct Step {
  float beta1, beta2, eps;
  float decay;         // 1 - lr * weight_decay
  float step_size;     // lr / (1 - beta1^t)
  float inv_sqrt_bc2;  // 1 / sqrt(1 - beta2^t)
};

// p, g, m, v contiguous float32 of n elements; one read and one write of each.
void fused_adam_cpu(float* p, const float* g, float* m, float* v, int64_t n, const Step& s) {
  at::parallel_for(0, n, /*grain_size=*/1 << 15, [&](int64_t begin, int64_t end) {
    const float one_minus_b1 = 1.0f - s.beta1, one_minus_b2 = 1.0f - s.beta2;
    for (int64_t i = begin; i < end; ++i) {
      const float gi = g[i];
      const float mi = s.beta1 * m[i] + one_minus_b1 * gi;
      const float vi = s.beta2 * v[i] + one_minus_b2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const float denom = std::sqrt(vi) * s.inv_sqrt_bc2 + s.eps;
      p[i] = p[i] * s.decay - s.step_size * mi / denom;
    }
  });
}

std::string key(size_t i, const char* what) { return "p" + std::to_string(i) + "." + what; }

}  // namespace

std::vector<torch::Tensor> unique_trainable(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> unique;
  std::unordered_set<const void*> seen;
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    if (seen.insert(p.unsafeGetTensorImpl()).second) unique.push_back(p);
  }
  return unique;
}

AdamOptimizer::AdamOptimizer(const std::vector<torch::Tensor>& parameters, AdamOptions options)
    : params_(unique_trainable(parameters)), options_(options) {
  state_.resize(params_.size());
}

void AdamOptimizer::update(torch::Tensor& param, const torch::Tensor& grad, State& state,
                           double lr) {
  if (!state.exp_avg.defined()) {
    state.exp_avg = torch::zeros_like(param, torch::MemoryFormat::Contiguous);
    state.exp_avg_sq = torch::zeros_like(param, torch::MemoryFormat::Contiguous);
  }
  state.steps += 1;
  const double bc1 = 1.0 - std::pow(options_.beta1, static_cast<double>(state.steps));
  const double bc2 = 1.0 - std::pow(options_.beta2, static_cast<double>(state.steps));
  const Step s{
      static_cast<float>(options_.beta1), static_cast<float>(options_.beta2),
      static_cast<float>(options_.eps),   static_cast<float>(1.0 - lr * options_.weight_decay),
      static_cast<float>(lr / bc1),       static_cast<float>(1.0 / std::sqrt(bc2))};
  const bool fusable = param.is_cpu() && param.scalar_type() == torch::kFloat32 &&
                       grad.scalar_type() == torch::kFloat32 && param.is_contiguous() &&
                       grad.is_contiguous() && !grad.is_sparse();
  if (fusable) {
    fused_adam_cpu(param.data_ptr<float>(), grad.data_ptr<float>(), state.exp_avg.data_ptr<float>(),
                   state.exp_avg_sq.data_ptr<float>(), param.numel(), s);
    return;
  }
  if (options_.weight_decay != 0.0) param.mul_(1.0 - lr * options_.weight_decay);
  state.exp_avg.mul_(options_.beta1).add_(grad, 1.0 - options_.beta1);
  state.exp_avg_sq.mul_(options_.beta2).addcmul_(grad, grad, 1.0 - options_.beta2);
  const torch::Tensor denom = (state.exp_avg_sq.sqrt() / std::sqrt(bc2)).add_(options_.eps);
  param.addcdiv_(state.exp_avg, denom, -lr / bc1);
}

void AdamOptimizer::step(double lr) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    const torch::Tensor& grad = params_[i].grad();
    if (!grad.defined()) continue;
    update(params_[i], grad, state_[i], lr);
  }
}

void AdamOptimizer::zero_grad() {
  for (auto& p : params_)
    if (p.mutable_grad().defined()) p.mutable_grad().zero_();
}

double AdamOptimizer::grad_norm() const {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> norms;
  for (const auto& p : params_)
    if (p.grad().defined()) norms.push_back(p.grad().norm(2).to(torch::kFloat64));
  if (norms.empty()) return 0.0;
  return torch::stack(norms).norm(2).item<double>();
}

void AdamOptimizer::scale_grads(double factor) {
  torch::NoGradGuard no_grad;
  for (auto& p : params_)
    if (p.mutable_grad().defined()) p.mutable_grad().mul_(factor);
}

double AdamOptimizer::clip_grad_norm(double max_norm) {
  const double norm = grad_norm();
  // A non-finite norm is left for the caller to see; scaling by NaN would only spread it.
  if (std::isfinite(norm) && max_norm > 0.0 && norm > max_norm)
    scale_grads(max_norm / (norm + 1e-6));
  return norm;
}

void AdamOptimizer::save(torch::serialize::OutputArchive& archive) const {
  archive.write("count", c10::IValue(static_cast<int64_t>(params_.size())));
  for (size_t i = 0; i < params_.size(); ++i) {
    archive.write(key(i, "steps"), c10::IValue(state_[i].steps));
    archive.write(key(i, "shape"), c10::IValue(params_[i].sizes().vec()));
    if (state_[i].steps == 0) continue;
    archive.write(key(i, "exp_avg"), state_[i].exp_avg, /*is_buffer=*/true);
    archive.write(key(i, "exp_avg_sq"), state_[i].exp_avg_sq, /*is_buffer=*/true);
  }
}

void AdamOptimizer::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("count", value);
  if (value.toInt() != static_cast<int64_t>(params_.size()))
    throw CheckpointError("optimizer state holds " + std::to_string(value.toInt()) +
                          " parameters, the model has " + std::to_string(params_.size()));
  std::vector<State> loaded(params_.size());
  for (size_t i = 0; i < params_.size(); ++i) {
    archive.read(key(i, "shape"), value);
    if (value.toIntVector() != params_[i].sizes().vec())
      throw CheckpointError("optimizer state of parameter " + std::to_string(i) + " has shape " +
                            c10::str(c10::IntArrayRef(value.toIntVector())) + ", the model's is " +
                            c10::str(params_[i].sizes()));
    archive.read(key(i, "steps"), value);
    loaded[i].steps = value.toInt();
    if (loaded[i].steps == 0) continue;
    torch::Tensor m, v;
    archive.read(key(i, "exp_avg"), m, /*is_buffer=*/true);
    archive.read(key(i, "exp_avg_sq"), v, /*is_buffer=*/true);
    loaded[i].exp_avg = m.to(params_[i].options()).contiguous();
    loaded[i].exp_avg_sq = v.to(params_[i].options()).contiguous();
  }
  state_ = std::move(loaded);
}

}  // namespace nmt
