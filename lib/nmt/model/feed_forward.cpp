#include "nmt/model/feed_forward.h"
#include "nmt/model/dropout.h"

#include "nmt/util/error.h"

namespace nmt {

namespace {

torch::nn::Linear xavier_linear(int64_t in, int64_t out) {
  torch::nn::Linear linear(in, out);
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(linear->weight);
  linear->bias.zero_();
  return linear;
}

}  // namespace

FeedForwardImpl::FeedForwardImpl(const FeedForwardOptions& options) : options_(options) {
  if (options_.activation != "relu" && options_.activation != "gelu")
    throw ConfigError("config key 'model.activation': unknown activation '" + options_.activation +
                      "' (expected relu or gelu)");
  gelu_ = options_.activation == "gelu";
  fc1 = register_module("fc1", xavier_linear(options_.d_model, options_.ff));
  fc2 = register_module("fc2", xavier_linear(options_.ff, options_.d_model));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
  auto h = fc1(x);  // [B, T, ff]
  h = gelu_ ? torch::gelu(h) : torch::relu(h);
  if (options_.dropout > 0 && is_training()) h = nmt::dropout(h, options_.dropout, /*train=*/true);
  return fc2(h);  // [B, T, D]
}

}  // namespace nmt
