#include "nmt/model/rnn_decoder.h"
#include "nmt/model/dropout.h"

#include "nmt/model/rnn_encoder.h"

namespace nmt {

RnnDecoderImpl::RnnDecoderImpl(const ModelConfig& c)
    : d_model_(c.d_model), layers_(c.decoder_layers), dropout_(c.dropout) {
  check_rnn_cell(c.rnn_cell);
  const int64_t d = c.d_model;
  const double between = c.decoder_layers > 1 ? c.dropout : 0.0;
  if (c.rnn_cell == "lstm") {
    lstm = register_module(
        "lstm",
        torch::nn::LSTM(
            torch::nn::LSTMOptions(2 * d, d).num_layers(layers_).dropout(between).batch_first(
                true)));
    init_recurrent(*lstm, d, 4, true);
  } else {
    gru = register_module(
        "gru", torch::nn::GRU(
                   torch::nn::GRUOptions(2 * d, d).num_layers(layers_).dropout(between).batch_first(
                       true)));
    init_recurrent(*gru, d, 3, false);
  }
  bridge = register_module("bridge", nmt::Linear(d, layers_ * d));
  attention = register_module(
      "attention", AttentionScores(AttentionScoresOptions{c.attention, 1, d, c.attention_dropout}));
  combine =
      register_module("combine", nmt::Linear(torch::nn::LinearOptions(2 * d, d).bias(false)));
  torch::NoGradGuard no_grad;
  for (int64_t l = 0; l < layers_; ++l)
    torch::nn::init::xavier_uniform_(bridge->weight.narrow(0, l * d, d));
  bridge->bias.zero_();
  torch::nn::init::xavier_uniform_(combine->weight);
}

RnnState RnnDecoderImpl::initial_state(const torch::Tensor& memory, const torch::Tensor& pad_mask) {
  const auto b = memory.size(0);
  auto real = (~pad_mask).unsqueeze(-1).to(memory.scalar_type());   // [B, S, 1]
  auto mean = (memory * real).sum(1) / real.sum(1).clamp_min(1.0);  // [B, D]
  RnnState state;
  // [B, L * D] -> [B, L, D] -> [L, B, D]
  state.hidden =
      torch::tanh(bridge(mean)).view({b, layers_, d_model_}).transpose(0, 1).contiguous();
  if (lstm) state.cell = torch::zeros_like(state.hidden);
  state.feed = torch::zeros({b, d_model_}, state.hidden.options());
  return state;
}

torch::Tensor RnnDecoderImpl::step(const torch::Tensor& embedded, RnnState& state,
                                   const torch::Tensor& keys, const torch::Tensor& memory,
                                   const torch::Tensor& src_bias, torch::Tensor* weights) {
  // The recurrent layers run in their parameters' dtype (float32 under autocast, which does not
  // cover LSTM/GRU on the CPU), whatever dtype the embedding and feed arrive in.
  const auto dtype = (lstm ? lstm->all_weights()[0] : gru->all_weights()[0]).scalar_type();
  auto x = torch::cat({embedded, state.feed.to(embedded.scalar_type())}, /*dim=*/-1)
               .to(dtype)
               .unsqueeze(1);  // [B, 1, 2D]
  torch::Tensor out;           // [B, 1, D]
  if (lstm) {
    auto result = lstm->forward(x, std::make_tuple(state.hidden.to(dtype), state.cell.to(dtype)));
    out = std::get<0>(result);
    std::tie(state.hidden, state.cell) = std::get<1>(result);
  } else {
    std::tie(out, state.hidden) = gru->forward(x, state.hidden.to(dtype));
  }
  // One head, one query: [B, 1, D] -> [B, 1, 1, D]; values [B, S, D] -> [B, 1, S, D].
  auto query = out.unsqueeze(1);
  auto context = attention->forward(query.to(keys.scalar_type()), keys, memory.unsqueeze(1),
                                    src_bias, weights);
  auto attentional = torch::tanh(combine(
      torch::cat({context.view({-1, d_model_}).to(out.scalar_type()), out.view({-1, d_model_})},
                 /*dim=*/-1)));  // [B, D]
  if (dropout_ > 0 && is_training())
    attentional = nmt::dropout(attentional, dropout_, /*train=*/true);
  state.feed = attentional;
  return attentional;
}

torch::Tensor RnnDecoderImpl::forward(const torch::Tensor& embedded, const torch::Tensor& memory,
                                      const torch::Tensor& pad_mask, torch::Tensor* weights) {
  auto state = initial_state(memory, pad_mask);
  auto keys = prepare_keys(memory);
  auto bias = padding_bias(pad_mask);
  auto x = embedded;
  if (dropout_ > 0 && is_training()) x = nmt::dropout(x, dropout_, /*train=*/true);
  std::vector<torch::Tensor> outputs, step_weights;
  for (int64_t t = 0; t < x.size(1); ++t) {
    torch::Tensor w;
    outputs.push_back(step(x.select(1, t), state, keys, memory, bias, weights ? &w : nullptr));
    if (weights) step_weights.push_back(w);
  }
  if (weights) *weights = torch::cat(step_weights, /*dim=*/2);  // [B, 1, T, S]
  return torch::stack(outputs, /*dim=*/1);                      // [B, T, D]
}

}  // namespace nmt
