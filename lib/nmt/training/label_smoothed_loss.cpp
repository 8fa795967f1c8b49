#include "nmt/training/label_smoothed_loss.h"

#include <algorithm>
#include <vector>

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows per chunk of the [N, V] passes: ~4M float32 elements (16 MiB) at a time, so neither pass
// materialises a float32 copy of the whole logits (131 MiB for 4096 positions x 8000 pieces) on
// top of the bf16 logits and their gradient, when the training step's memory is at its peak.
int64_t chunk_rows(int64_t vocab) {
  return std::max<int64_t>(1, (int64_t{4} << 20) / std::max<int64_t>(vocab, 1));
}

// Returns {summed loss, summed nll}; only the loss carries a gradient.
struct LabelSmoothedLossFunction : torch::autograd::Function<LabelSmoothedLossFunction> {
  // logits [N, V], target [N].
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& target, double epsilon, int64_t pad_id) {
    const int64_t rows = logits.size(0), V = logits.size(1);
    const auto vocab = static_cast<double>(V);
    const int64_t step = chunk_rows(V);
    std::vector<torch::Tensor> lse_parts, sum_parts;
    for (int64_t r = 0; r < rows; r += step) {
      const torch::Tensor x =
          logits.narrow(0, r, std::min(step, rows - r)).to(torch::kFloat32);  // [n, V]
      lse_parts.push_back(torch::logsumexp(x, /*dim=*/1));
      sum_parts.push_back(x.sum(/*dim=*/1));
    }
    const auto opts = logits.options().dtype(torch::kFloat32);
    const torch::Tensor lse = rows ? torch::cat(lse_parts) : torch::zeros({0}, opts);   // [N]
    const torch::Tensor sums = rows ? torch::cat(sum_parts) : torch::zeros({0}, opts);  // [N]
    const torch::Tensor picked =
        logits.gather(1, target.unsqueeze(1)).squeeze(1).to(torch::kFloat32);  // [N]
    const torch::Tensor mask = target.ne(pad_id).to(torch::kFloat32);          // [N]
    const torch::Tensor nll = (lse - picked) * mask;                           // [N]
    // -sum_v log p(v) = V * lse - sum_v x_v: no [N, V] log-probabilities needed.
    const torch::Tensor smooth = (lse * vocab - sums) * mask;  // [N]
    torch::Tensor loss = nll.sum() * (1.0 - epsilon) + smooth.sum() * (epsilon / vocab);
    torch::Tensor nll_sum = nll.sum();
    ctx->save_for_backward({logits, target, lse, mask});
    ctx->saved_data["epsilon"] = epsilon;
    ctx->mark_non_differentiable({nll_sum});
    return {loss, nll_sum};
  }

  // d loss / d x = mask * (softmax(x) - (1 - eps) * onehot(target) - eps / V), computed in float32
  // a chunk of rows at a time and written into a gradient of the logits' own dtype.
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& logits = saved[0];
    const torch::Tensor& target = saved[1];
    const torch::Tensor& lse = saved[2];
    const torch::Tensor& mask = saved[3];
    const double epsilon = ctx->saved_data["epsilon"].toDouble();
    const int64_t rows = logits.size(0), V = logits.size(1);
    const auto vocab = static_cast<double>(V);
    const torch::Tensor scale = mask * grad_outputs[0];  // [N]
    torch::Tensor grad = torch::empty_like(logits);      // [N, V]
    const int64_t step = chunk_rows(V);
    for (int64_t r = 0; r < rows; r += step) {
      const int64_t n = std::min(step, rows - r);
      torch::Tensor g =
          logits.narrow(0, r, n).to(torch::kFloat32, /*non_blocking=*/false, /*copy=*/true);
      g.sub_(lse.narrow(0, r, n).unsqueeze(1)).exp_().sub_(epsilon / vocab);  // [n, V]
      g.scatter_add_(1, target.narrow(0, r, n).unsqueeze(1),
                     torch::full({n, 1}, -(1.0 - epsilon), g.options()));
      g.mul_(scale.narrow(0, r, n).unsqueeze(1));
      grad.narrow(0, r, n).copy_(g);
    }
    return {grad, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

void check_shapes(const torch::Tensor& logits, const torch::Tensor& target) {
  TORCH_CHECK(logits.dim() >= 2 && logits.dim() == target.dim() + 1,
              "label_smoothed_loss: logits [..., V] and target [...] expected, got ",
              logits.sizes(), " and ", target.sizes());
  TORCH_CHECK(logits.sizes().slice(0, target.dim()) == target.sizes(),
              "label_smoothed_loss: leading shapes differ: ", logits.sizes(), " vs ",
              target.sizes());
  TORCH_CHECK(target.scalar_type() == torch::kInt64, "label_smoothed_loss: target must be int64");
}

}  // namespace

LossSums label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& target,
                             double epsilon, int64_t pad_id) {
  check_shapes(logits, target);
  const int64_t vocab = logits.size(-1);
  const torch::Tensor flat_target = target.reshape({-1});  // [N]
  auto out =
      LabelSmoothedLossFunction::apply(logits.reshape({-1, vocab}), flat_target, epsilon, pad_id);
  return {out[0], out[1], flat_target.ne(pad_id).sum().item<int64_t>()};
}

LossSums label_smoothed_loss_reference(const torch::Tensor& logits, const torch::Tensor& target,
                                       double epsilon, int64_t pad_id) {
  check_shapes(logits, target);
  const int64_t vocab = logits.size(-1);
  const torch::Tensor logp = torch::log_softmax(logits.reshape({-1, vocab}).to(torch::kFloat32), 1);
  const torch::Tensor flat_target = target.reshape({-1});                 // [N]
  const torch::Tensor mask = flat_target.ne(pad_id).to(torch::kFloat32);  // [N]
  const torch::Tensor nll = -logp.gather(1, flat_target.unsqueeze(1)).squeeze(1) * mask;
  const torch::Tensor smooth = -logp.sum(1) * mask;
  torch::Tensor loss = nll.sum() * (1.0 - epsilon) + smooth.sum() * (epsilon / vocab);
  return {loss, nll.sum().detach(), flat_target.ne(pad_id).sum().item<int64_t>()};
}

}  // namespace nmt
