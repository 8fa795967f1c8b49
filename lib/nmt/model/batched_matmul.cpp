#include "nmt/model/batched_matmul.h"

#include <ATen/autocast_mode.h>

#ifdef NMT_HAVE_DNNL
#include "nmt/model/onednn_engine.h"
#endif

namespace nmt {

#ifndef NMT_HAVE_DNNL

bool batched_matmul_uses_onednn(const torch::Tensor&, const torch::Tensor&) { return false; }
torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  return torch::matmul(a, b);
}

#else

namespace {

using onednn::cpu_engine;
using onednn::thread_stream;

dnnl::memory::desc strided_desc(const torch::Tensor& t) {
  const auto sizes = t.sizes(), strides = t.strides();
  return dnnl::memory::desc(dnnl::memory::dims(sizes.begin(), sizes.end()),
                            dnnl::memory::data_type::f32,
                            dnnl::memory::dims(strides.begin(), strides.end()));
}

// c = a @ b on the tensors' own strides (c preallocated).
void onednn_matmul(const torch::Tensor& a, const torch::Tensor& b, torch::Tensor& c) {
  const auto ad = strided_desc(a), bd = strided_desc(b), cd = strided_desc(c);
#if DNNL_VERSION_MAJOR >= 3
  const dnnl::matmul::primitive_desc pd(cpu_engine(), ad, bd, cd);
#else
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(ad, bd, cd), cpu_engine());
#endif
  const dnnl::matmul matmul(pd);  // from oneDNN's primitive cache after the first of a shape
  dnnl::memory am(ad, cpu_engine(), a.data_ptr()), bm(bd, cpu_engine(), b.data_ptr()),
      cm(cd, cpu_engine(), c.data_ptr());
  matmul.execute(thread_stream(), {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
  thread_stream().wait();
}

torch::Tensor product(const torch::Tensor& a, const torch::Tensor& b) {
  auto sizes = a.sizes().vec();
  sizes.back() = b.size(-1);
  torch::Tensor c = torch::empty(sizes, a.options());
  onednn_matmul(a, b, c);
  return c;
}

bool plain_strides(const torch::Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.stride(d) <= 0 && t.size(d) > 1) return false;  // broadcast (expanded) dimensions
  return true;
}

struct BatchedMatmulFunction : torch::autograd::Function<BatchedMatmulFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                               const torch::Tensor& b) {
    ctx->save_for_backward({a, b});
    return product(a, b);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &a = saved[0], &b = saved[1];
    const torch::Tensor dc = grads[0].contiguous();
    torch::Tensor da, db;
    if (ctx->needs_input_grad(0)) da = product(dc, b.transpose(-2, -1));  // [.., M, K]
    if (ctx->needs_input_grad(1)) db = product(a.transpose(-2, -1), dc);  // [.., K, N]
    return {da, db};
  }
};

}  // namespace

bool batched_matmul_uses_onednn(const torch::Tensor& a, const torch::Tensor& b) {
  return a.dim() >= 3 && a.dim() == b.dim() && a.device().is_cpu() && b.device().is_cpu() &&
         a.scalar_type() == torch::kFloat && b.scalar_type() == torch::kFloat &&
         a.sizes().slice(0, a.dim() - 2) == b.sizes().slice(0, b.dim() - 2) &&
         a.size(-1) == b.size(-2) && a.numel() > 0 && b.numel() > 0 && plain_strides(a) &&
         plain_strides(b) && !at::autocast::is_cpu_enabled();
}

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  if (!batched_matmul_uses_onednn(a, b)) return torch::matmul(a, b);
  return BatchedMatmulFunction::apply(a, b);
}

#endif

}  // namespace nmt
