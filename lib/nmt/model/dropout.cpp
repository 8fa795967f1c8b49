#include "nmt/model/dropout.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <limits>

namespace nmt {

namespace {

inline uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// y = x * mask, dy = dy * mask: the mask is the only saved state.
struct DropoutFunction : public torch::autograd::Function<DropoutFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               double p) {
    auto mask = dropout_mask(x, p);
    ctx->save_for_backward({mask});
    return x * mask;
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto mask = ctx->get_saved_variables()[0];
    return {grads[0] * mask, torch::Tensor()};
  }
};

// y = relu(x) * mask, saving only y: where y > 0 the gradient is dy * (the mask's kept value),
// elsewhere 0. The same values and gradients as relu then DropoutFunction, bit for bit (the kept
// value is taken in the mask's dtype, as the mask holds it; a dropped element's gradient is +0
// where theirs may be -0), with one saved tensor where the two ops kept three: ReLU's output,
// the mask, and the product (the next Linear's input).
struct ReluDropoutFunction : public torch::autograd::Function<ReluDropoutFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               double p) {
    auto y = torch::relu(x) * dropout_mask(x, p);
    ctx->save_for_backward({y});
    ctx->saved_data["p"] = p;
    return y;
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto y = ctx->get_saved_variables()[0];
    const double p = ctx->saved_data["p"].toDouble();
    // ReLU's own backward (vectorised: y <= 0 -> 0) of dy * keep, with keep in the mask's dtype.
    const auto keep = torch::scalar_tensor(1.0 / (1.0 - p), y.options());
    const torch::Tensor dx = at::threshold_backward(grads[0] * keep, y, 0);
    return {dx, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor dropout_mask(const torch::Tensor& like, double p) {
  TORCH_CHECK(p >= 0.0 && p < 1.0, "dropout probability must be in [0, 1), got ", p);
  auto mask =
      torch::empty(like.sizes(), like.options().memory_format(c10::MemoryFormat::Contiguous));
  const int64_t n = mask.numel();
  // One 64-bit draw per call keeps runs repeatable under torch::manual_seed.
  const auto seed = static_cast<uint64_t>(torch::randint(std::numeric_limits<int64_t>::max(), {1},
                                                         torch::TensorOptions().dtype(torch::kLong))
                                              .item<int64_t>());
  const auto threshold = static_cast<uint32_t>(p * 65536.0);  // drop when a 16-bit draw < threshold
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kBFloat16, at::kHalf, mask.scalar_type(), "nmt_dropout_mask", [&] {
        auto* out = mask.data_ptr<scalar_t>();
        const auto keep = static_cast<scalar_t>(1.0 / (1.0 - p));
        const auto drop = static_cast<scalar_t>(0.0);
        // Four 16-bit draws per 64-bit word; blocks are multiples of 4 so word boundaries never
        // depend on how the range is split between threads.
        at::parallel_for(0, (n + 3) / 4, /*grain_size=*/8192, [&](int64_t begin, int64_t end) {
          for (int64_t w = begin; w < end; ++w) {
            uint64_t bits = splitmix64(seed ^ (static_cast<uint64_t>(w) * 0xD1B54A32D192ED03ULL));
            const int64_t base = w * 4, stop = std::min<int64_t>(base + 4, n);
            for (int64_t i = base; i < stop; ++i, bits >>= 16)
              out[i] = static_cast<uint32_t>(bits & 0xFFFF) < threshold ? drop : keep;
          }
        });
      });
  return mask;
}

torch::Tensor dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0.0) return x;
  return DropoutFunction::apply(x, p);
}

torch::Tensor relu_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0.0) return torch::relu(x);
  return ReluDropoutFunction::apply(x, p);
}

}  // namespace nmt
