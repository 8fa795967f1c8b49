#include "nmt/model/encoder_layer.h"
#include "nmt/model/dropout.h"

namespace nmt {

TransformerLayerOptions transformer_layer_options(const ModelConfig& c) {
  TransformerLayerOptions o;
  o.d_model = c.d_model;
  o.heads = c.heads;
  o.ff = c.ff;
  o.dropout = c.dropout;
  o.attention_dropout = c.attention_dropout;
  o.scoring = c.attention;
  o.activation = c.activation;
  o.pre_norm = c.norm != "post";
  return o;
}

torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& y, double dropout,
                       bool training) {
  if (dropout > 0 && training) return x + nmt::dropout(y, dropout, /*train=*/true);
  return x + y;
}

EncoderLayerImpl::EncoderLayerImpl(const TransformerLayerOptions& o) : options_(o) {
  self_attention = register_module(
      "self_attention", MultiHeadAttention(MultiHeadAttentionOptions{o.d_model, o.heads, o.scoring,
                                                                     o.attention_dropout, true}));
  feed_forward = register_module(
      "feed_forward", FeedForward(FeedForwardOptions{o.d_model, o.ff, o.activation, o.dropout}));
  self_attention_norm = register_module(
      "self_attention_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.d_model})));
  feed_forward_norm = register_module(
      "feed_forward_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.d_model})));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x_in, const torch::Tensor& bias,
                                        torch::Tensor* weights) {
  const double p = options_.dropout;
  const bool train = is_training();
  auto x = x_in;
  if (options_.pre_norm) {
    x = residual(x,
                 self_attention->self_attend(layer_norm(self_attention_norm, x), bias, nullptr,
                                             nullptr, weights),
                 p, train);
    return residual(x, feed_forward(layer_norm(feed_forward_norm, x)), p, train);
  }
  x = layer_norm(
      self_attention_norm,
      residual(x, self_attention->self_attend(x, bias, nullptr, nullptr, weights), p, train));
  return layer_norm(feed_forward_norm, residual(x, feed_forward(x), p, train));
}

}  // namespace nmt
