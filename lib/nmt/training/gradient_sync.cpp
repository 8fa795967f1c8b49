#include "nmt/training/gradient_sync.h"

#include <functional>
#include <iomanip>
#include <map>
#include <sstream>
#include <unordered_set>

namespace nmt {
namespace {

// "12 tensors, 1234567 values, shapes #5f1c..": equal on every rank iff the models match (up to a
// hash collision), short enough for an error message.
std::string shape_summary(const std::vector<torch::Tensor>& tensors) {
  std::ostringstream shapes;
  int64_t values = 0;
  for (const auto& t : tensors) {
    shapes << t.sizes() << t.dtype() << ';';
    values += t.numel();
  }
  std::ostringstream out;
  out << tensors.size() << " tensors, " << values << " values, shapes #" << std::hex
      << std::hash<std::string>()(shapes.str());
  return out.str();
}

std::string megabytes(int64_t bytes) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1 << 20) << " MB";
  return out.str();
}

}  // namespace

GradientSync::GradientSync(DistributedContext& context, std::vector<torch::Tensor> parameters,
                           GradientSyncOptions options)
    : context_(context) {
  TORCH_CHECK(options.bucket_bytes > 0, "GradientSync: bucket_bytes must be > 0");
  std::unordered_set<const void*> seen;
  for (auto& p : parameters)
    if (seen.insert(p.unsafeGetTensorImpl()).second) params_.push_back(p);

  // Reverse order: backward produces the last layers' gradients first, so a later version that
  // overlaps communication with backward can start on the first bucket early.
  std::map<std::pair<int, std::string>, size_t> open;  // (dtype, device) -> bucket being filled
  std::vector<int64_t> bucket_bytes;
  for (size_t i = params_.size(); i-- > 0;) {
    const auto& p = params_[i];
    const auto key = std::make_pair(static_cast<int>(p.scalar_type()), p.device().str());
    const int64_t bytes = p.numel() * static_cast<int64_t>(p.element_size());
    auto it = open.find(key);
    if (it == open.end() || bucket_bytes[it->second] + bytes > options.bucket_bytes) {
      buckets_.emplace_back();
      bucket_bytes.push_back(0);
      it = open.insert_or_assign(key, buckets_.size() - 1).first;
    }
    buckets_[it->second].members.push_back(i);
    bucket_bytes[it->second] += bytes;
  }
  if (!context_.active()) return;  // one process: the layout is all, no buffers
  for (auto& bucket : buckets_) {
    const auto& first = params_[bucket.members.front()];
    int64_t numel = 0;
    for (size_t m : bucket.members) numel += params_[m].numel();
    bucket.flat = torch::empty({numel}, first.options().device(context_.comm_device()));
  }
}

void GradientSync::broadcast_parameters(const std::vector<torch::Tensor>& buffers) {
  if (!context_.active()) return;
  std::vector<torch::Tensor> targets = params_;
  targets.insert(targets.end(), buffers.begin(), buffers.end());
  context_.check_same("the model's parameters and buffers", shape_summary(targets));

  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor>
      wire;  // contiguous, on the comm device; aliases the target when it can
  wire.reserve(targets.size());
  for (const auto& t : targets) wire.push_back(t.detach().to(context_.comm_device()).contiguous());
  context_.broadcast_from_primary(wire, "the initial parameters from rank 0");
  for (size_t i = 0; i < targets.size(); ++i)
    if (!wire[i].is_same(targets[i])) targets[i].detach().copy_(wire[i]);
}

void GradientSync::all_reduce(std::vector<double>* stats) {
  if (!context_.active()) return;
  torch::NoGradGuard no_grad;
  int64_t total_bytes = 0;
  for (auto& bucket : buckets_) {
    int64_t offset = 0;
    for (size_t m : bucket.members) {
      const auto& p = params_[m];
      auto slot = bucket.flat.narrow(/*dim=*/0, offset, p.numel());  // [numel of p]
      if (p.grad().defined())
        slot.copy_(p.grad().reshape({-1}));
      else
        slot.zero_();
      offset += p.numel();
    }
    total_bytes += bucket.flat.numel() * static_cast<int64_t>(bucket.flat.element_size());
  }

  std::vector<torch::Tensor> tensors;
  tensors.reserve(buckets_.size() + 1);
  for (auto& bucket : buckets_) tensors.push_back(bucket.flat);
  torch::Tensor stats_tensor;
  if (stats != nullptr && !stats->empty()) {
    stats_tensor = torch::tensor(*stats, torch::dtype(torch::kFloat64)).to(context_.comm_device());
    tensors.push_back(stats_tensor);
  }
  context_.all_reduce_sum(tensors, "gradients (" + std::to_string(buckets_.size()) + " buckets, " +
                                       megabytes(total_bytes) + ")");

  for (auto& bucket : buckets_) {
    int64_t offset = 0;
    for (size_t m : bucket.members) {
      auto& p = params_[m];
      auto slot = bucket.flat.narrow(/*dim=*/0, offset, p.numel()).view(p.sizes());
      if (p.grad().defined())
        p.mutable_grad().copy_(slot);
      else
        p.mutable_grad() = slot.to(p.device(), /*non_blocking=*/false, /*copy=*/true);
      offset += p.numel();
    }
  }
  if (stats_tensor.defined()) {
    const auto host = stats_tensor.cpu();
    for (size_t i = 0; i < stats->size(); ++i)
      (*stats)[i] = host[static_cast<int64_t>(i)].item<double>();
  }
}

}  // namespace nmt
