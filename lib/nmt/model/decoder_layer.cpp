#include "nmt/model/decoder_layer.h"

namespace nmt {

DecoderLayerImpl::DecoderLayerImpl(const TransformerLayerOptions& o) : options_(o) {
  auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.d_model})); };
  self_attention = register_module(
      "self_attention", MultiHeadAttention(MultiHeadAttentionOptions{o.d_model, o.heads, o.scoring,
                                                                     o.attention_dropout, true}));
  cross_attention = register_module(
      "cross_attention", MultiHeadAttention(MultiHeadAttentionOptions{o.d_model, o.heads, o.scoring,
                                                                      o.attention_dropout, false}));
  feed_forward = register_module(
      "feed_forward", FeedForward(FeedForwardOptions{o.d_model, o.ff, o.activation, o.dropout}));
  self_attention_norm = register_module("self_attention_norm", norm());
  cross_attention_norm = register_module("cross_attention_norm", norm());
  feed_forward_norm = register_module("feed_forward_norm", norm());
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x_in, const torch::Tensor& self_bias,
                                        const torch::Tensor& cross_keys,
                                        const torch::Tensor& cross_values,
                                        const torch::Tensor& cross_bias, DecoderLayerState state,
                                        torch::Tensor* self_weights, torch::Tensor* cross_weights) {
  const double p = options_.dropout;
  const bool train = is_training();
  auto self = [&](const torch::Tensor& h) {
    return self_attention->self_attend(h, self_bias, state.self_keys, state.self_values,
                                       self_weights);
  };
  auto cross = [&](const torch::Tensor& h) {
    return cross_attention->cross_attend(h, cross_keys, cross_values, cross_bias, cross_weights,
                                         /*step=*/state.self_keys != nullptr);
  };
  auto x = x_in;
  if (options_.pre_norm) {
    x = residual(x, self(layer_norm(self_attention_norm, x)), p, train);
    x = residual(x, cross(layer_norm(cross_attention_norm, x)), p, train);
    return residual(x, feed_forward(layer_norm(feed_forward_norm, x)), p, train);
  }
  x = layer_norm(self_attention_norm, residual(x, self(x), p, train));
  x = layer_norm(cross_attention_norm, residual(x, cross(x), p, train));
  return layer_norm(feed_forward_norm, residual(x, feed_forward(x), p, train));
}

}  // namespace nmt
