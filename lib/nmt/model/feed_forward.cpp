#include "nmt/model/feed_forward.h"
#include "nmt/model/dropout.h"

#include "nmt/util/error.h"

namespace nmt {

namespace {

nmt::Linear xavier_linear(int64_t in, int64_t out) {
  nmt::Linear linear(in, out);
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(linear->weight);
  linear->bias.zero_();
  return linear;
}

}  // namespace

Activation parse_activation(const std::string& activation) {
  if (activation == "relu") return Activation::kRelu;
  if (activation == "gelu") return Activation::kGelu;
  throw ConfigError("config key 'model.activation': unknown activation '" + activation +
                    "' (expected relu or gelu)");
}

FeedForwardImpl::FeedForwardImpl(const FeedForwardOptions& options)
    : options_(options), activation_(parse_activation(options.activation)) {
  fc1 = register_module("fc1", xavier_linear(options_.d_model, options_.ff));
  fc2 = register_module("fc2", xavier_linear(options_.ff, options_.d_model));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
  auto h = fc1(x);  // [B, T, ff]
  if (activation_ == Activation::kRelu)
    return fc2(nmt::relu_dropout(h, options_.dropout, is_training()));  // [B, T, D]
  h = torch::gelu(h);
  if (options_.dropout > 0 && is_training()) h = nmt::dropout(h, options_.dropout, /*train=*/true);
  return fc2(h);  // [B, T, D]
}

}  // namespace nmt
