#include "nmt/training/checkpoint_average.h"

#include <unordered_set>

#include "nmt/training/checkpoint_files.h"
#include "nmt/util/error.h"

namespace nmt {

LoadedModel average_models(const std::vector<std::string>& paths) {
  if (paths.empty()) throw ConfigError("no checkpoints to average");
  LoadedModel sum = load_model_file(paths.front());
  const nlohmann::json architecture = to_json(sum.config)["model"];
  torch::NoGradGuard no_grad;
  // Each distinct tensor once: a tied embedding is one tensor under two names.
  std::vector<std::pair<std::string, torch::Tensor>> sum_tensors;
  std::unordered_set<const void*> seen;
  auto collect = [&](const torch::OrderedDict<std::string, torch::Tensor>& dict) {
    for (const auto& entry : dict)
      if (seen.insert(entry.value().unsafeGetTensorImpl()).second)
        sum_tensors.emplace_back(entry.key(), entry.value());
  };
  collect(sum.model->named_parameters());
  collect(sum.model->named_buffers());

  for (size_t i = 1; i < paths.size(); ++i) {
    LoadedModel next = load_model_file(paths[i]);
    if (to_json(next.config)["model"] != architecture ||
        next.model->src_vocab_size() != sum.model->src_vocab_size() ||
        next.model->tgt_vocab_size() != sum.model->tgt_vocab_size())
      throw CheckpointError("cannot average '" + paths[i] + "' with '" + paths.front() +
                            "': the models differ in architecture or vocabulary size");
    auto tensors = next.model->named_parameters();
    for (const auto& buffer : next.model->named_buffers())
      tensors.insert(buffer.key(), buffer.value());
    for (auto& [name, tensor] : sum_tensors) {
      const torch::Tensor* other = tensors.find(name);
      if (!other || other->sizes() != tensor.sizes())
        throw CheckpointError("cannot average '" + paths[i] + "': tensor '" + name +
                              "' is missing or has another shape");
      if (tensor.is_floating_point()) tensor.add_(*other);
    }
    sum.config = next.config;  // the newest run settings (train section) describe the result
  }
  const double n = static_cast<double>(paths.size());
  for (auto& [name, tensor] : sum_tensors)
    if (tensor.is_floating_point()) tensor.div_(n);
  return sum;
}

std::vector<std::string> last_step_checkpoints(const std::string& run_dir, int64_t n) {
  const CheckpointFiles files(run_dir, 0);
  const std::vector<int64_t> steps = files.steps();
  if (n < 1) throw ConfigError("--last must be at least 1");
  if (static_cast<int64_t>(steps.size()) < n)
    throw ConfigError("--last " + std::to_string(n) + ": " + files.directory() + " holds only " +
                      std::to_string(steps.size()) +
                      " step checkpoint(s) (train.keep_last keeps that many)");
  std::vector<std::string> paths;
  for (size_t i = steps.size() - static_cast<size_t>(n); i < steps.size(); ++i)
    paths.push_back(files.step_path(steps[i]));
  return paths;
}

}  // namespace nmt
