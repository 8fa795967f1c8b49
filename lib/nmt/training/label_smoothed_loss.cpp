#include "nmt/training/label_smoothed_loss.h"

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Returns {summed loss, summed nll}; only the loss carries a gradient.
struct LabelSmoothedLossFunction : torch::autograd::Function<LabelSmoothedLossFunction> {
  // logits [N, V], target [N].
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& target, double epsilon, int64_t pad_id) {
    const auto vocab = static_cast<double>(logits.size(1));
    const torch::Tensor x = logits.to(torch::kFloat32);                       // [N, V]
    const torch::Tensor lse = torch::logsumexp(x, /*dim=*/1);                  // [N]
    const torch::Tensor picked = x.gather(1, target.unsqueeze(1)).squeeze(1);  // [N]
    const torch::Tensor mask = target.ne(pad_id).to(torch::kFloat32);          // [N]
    const torch::Tensor nll = (lse - picked) * mask;                           // [N]
    // -sum_v log p(v) = V * lse - sum_v x_v: no [N, V] log-probabilities needed.
    const torch::Tensor smooth = (lse * vocab - x.sum(/*dim=*/1)) * mask;      // [N]
    torch::Tensor loss = nll.sum() * (1.0 - epsilon) + smooth.sum() * (epsilon / vocab);
    torch::Tensor nll_sum = nll.sum();
    ctx->save_for_backward({logits, target, lse, mask});
    ctx->saved_data["epsilon"] = epsilon;
    ctx->mark_non_differentiable({nll_sum});
    return {loss, nll_sum};
  }

  // d loss / d x = mask * (softmax(x) - (1 - eps) * onehot(target) - eps / V).
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& logits = saved[0];
    const torch::Tensor& target = saved[1];
    const torch::Tensor& lse = saved[2];
    const torch::Tensor& mask = saved[3];
    const double epsilon = ctx->saved_data["epsilon"].toDouble();
    const auto vocab = static_cast<double>(logits.size(1));

    torch::Tensor grad = logits.to(torch::kFloat32, /*non_blocking=*/false, /*copy=*/true);
    grad.sub_(lse.unsqueeze(1)).exp_().sub_(epsilon / vocab);  // [N, V]
    grad.scatter_add_(1, target.unsqueeze(1),
                      torch::full({target.size(0), 1}, -(1.0 - epsilon), grad.options()));
    grad.mul_((mask * grad_outputs[0]).unsqueeze(1));
    return {grad.to(logits.scalar_type()), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

void check_shapes(const torch::Tensor& logits, const torch::Tensor& target) {
  TORCH_CHECK(logits.dim() >= 2 && logits.dim() == target.dim() + 1,
              "label_smoothed_loss: logits [..., V] and target [...] expected, got ",
              logits.sizes(), " and ", target.sizes());
  TORCH_CHECK(logits.sizes().slice(0, target.dim()) == target.sizes(),
              "label_smoothed_loss: leading shapes differ: ", logits.sizes(), " vs ", target.sizes());
  TORCH_CHECK(target.scalar_type() == torch::kInt64, "label_smoothed_loss: target must be int64");
}

}  // namespace

LossSums label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& target,
                             double epsilon, int64_t pad_id) {
  check_shapes(logits, target);
  const int64_t vocab = logits.size(-1);
  const torch::Tensor flat_target = target.reshape({-1});  // [N]
  auto out = LabelSmoothedLossFunction::apply(logits.reshape({-1, vocab}), flat_target,
                                              epsilon, pad_id);
  return {out[0], out[1], flat_target.ne(pad_id).sum().item<int64_t>()};
}

LossSums label_smoothed_loss_reference(const torch::Tensor& logits, const torch::Tensor& target,
                                       double epsilon, int64_t pad_id) {
  check_shapes(logits, target);
  const int64_t vocab = logits.size(-1);
  const torch::Tensor logp = torch::log_softmax(logits.reshape({-1, vocab}).to(torch::kFloat32), 1);
  const torch::Tensor flat_target = target.reshape({-1});                  // [N]
  const torch::Tensor mask = flat_target.ne(pad_id).to(torch::kFloat32);   // [N]
  const torch::Tensor nll = -logp.gather(1, flat_target.unsqueeze(1)).squeeze(1) * mask;
  const torch::Tensor smooth = -logp.sum(1) * mask;
  torch::Tensor loss = nll.sum() * (1.0 - epsilon) + smooth.sum() * (epsilon / vocab);
  return {loss, nll.sum().detach(), flat_target.ne(pad_id).sum().item<int64_t>()};
}

}  // namespace nmt
