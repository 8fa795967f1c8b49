// Keeps data-parallel replicas identical: rank 0's parameters are copied to every rank once at the
// start, and after each update's backward passes the gradients are summed over the ranks, packed
// into a few large flat buckets (one all-reduce per ~25 MB, not one per parameter tensor).
//
// Normalisation (what makes "W workers x batch B" equal "1 process x the same W*B examples"):
// the trainer divides each batch's summed loss by the target tokens of the WHOLE update over all
// ranks, obtained before backward with DistributedContext::sum(local_tokens) -- one tiny
// collective. Each rank's gradient is then d(local loss sum)/N_global, and their sum is exactly
// d(global loss sum)/N_global, the gradient one process would get from all the examples. So
// GradientSync only sums (no averaging over ranks, which would be wrong whenever ranks hold
// different token counts). With one process it is a no-op and the trainer is unchanged.
//
// Statistics for logging and for agreeing to stop (loss sums, a stop flag) can ride along in the
// same round: all_reduce(&stats) sums them in float64 next to the gradient buckets.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "nmt/training/distributed.h"

namespace nmt {

struct GradientSyncOptions {
  int64_t bucket_bytes = 25ll << 20;  // target size of one all-reduce, > 0; a larger tensor gets
                                      // a bucket of its own
};

class GradientSync {
 public:
  // `parameters` as the optimizer holds them; a tensor listed twice (tied embeddings) is synced
  // once. Buckets are laid out here (grouped by dtype and device, in reverse order, as backward
  // produces the gradients) and their buffers allocated once on context.comm_device().
  GradientSync(DistributedContext& context, std::vector<torch::Tensor> parameters,
               GradientSyncOptions options = {});

  // Overwrites every parameter and each of `buffers` (e.g. the module's registered buffers) with
  // rank 0's values, so all replicas start equal. Also checks that every rank has the same
  // parameter shapes first (DistributedError naming the first difference otherwise).
  void broadcast_parameters(const std::vector<torch::Tensor>& buffers = {});

  // Sums every parameter's gradient over the ranks, in place. A parameter without a gradient
  // contributes zeros (and gets a zero-filled gradient when another rank has one), so the
  // collectives line up. `stats`, when given, are summed over the ranks in the same round.
  void all_reduce(std::vector<double>* stats = nullptr);

  int64_t bucket_count() const { return static_cast<int64_t>(buckets_.size()); }
  int64_t parameter_count() const { return static_cast<int64_t>(params_.size()); }

 private:
  struct Bucket {
    std::vector<size_t> members;  // indices into params_
    torch::Tensor flat;           // [sum of member numel] on the comm device
  };

  DistributedContext& context_;
  std::vector<torch::Tensor> params_;  // unique parameters
  std::vector<Bucket> buckets_;
};

}  // namespace nmt
