#include "nmt/model/rnn_encoder.h"
#include "nmt/model/dropout.h"

#include "nmt/util/error.h"

namespace nmt {

void check_rnn_cell(const std::string& cell) {
  if (cell != "lstm" && cell != "gru")
    throw ConfigError("config key 'model.rnn_cell': unknown cell '" + cell +
                      "' (expected lstm or gru)");
}

void init_recurrent(torch::nn::Module& rnn, int64_t hidden, int64_t gates, bool forget_bias) {
  torch::NoGradGuard no_grad;
  for (auto& p : rnn.named_parameters(/*recurse=*/false)) {
    auto& t = p.value();
    if (p.key().rfind("weight", 0) == 0) {
      for (int64_t g = 0; g < gates; ++g)
        torch::nn::init::xavier_uniform_(t.narrow(0, g * hidden, hidden));
    } else {
      t.zero_();
      // LSTM gate order is input, forget, cell, output; one of the two biases suffices.
      if (forget_bias && p.key().rfind("bias_ih", 0) == 0) t.narrow(0, hidden, hidden).fill_(1.0);
    }
  }
}

RnnEncoderImpl::RnnEncoderImpl(const ModelConfig& c) : dropout_(c.dropout) {
  check_rnn_cell(c.rnn_cell);
  if (c.d_model % 2 != 0)
    throw ConfigError(
        "config key 'model.d_model': the rnn encoder has two directions of d_model/2 units, so "
        "d_model must be even (got " +
        std::to_string(c.d_model) + ")");
  const int64_t half = c.d_model / 2;
  if (c.rnn_cell == "lstm") {
    lstm =
        register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(c.d_model, half)
                                                    .num_layers(c.encoder_layers)
                                                    .dropout(c.encoder_layers > 1 ? c.dropout : 0.0)
                                                    .bidirectional(true)
                                                    .batch_first(true)));
    init_recurrent(*lstm, half, 4, true);
  } else {
    gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(c.d_model, half)
                                                    .num_layers(c.encoder_layers)
                                                    .dropout(c.encoder_layers > 1 ? c.dropout : 0.0)
                                                    .bidirectional(true)
                                                    .batch_first(true)));
    init_recurrent(*gru, half, 3, false);
  }
}

torch::Tensor RnnEncoderImpl::forward(const torch::Tensor& embedded,
                                      const torch::Tensor& pad_mask) {
  namespace rnn = torch::nn::utils::rnn;
  auto x = embedded;
  if (dropout_ > 0 && is_training()) x = nmt::dropout(x, dropout_, /*train=*/true);
  // A row of padding only (length 0) cannot be packed; it runs over its first (pad) position.
  auto lengths = (~pad_mask).sum(/*dim=*/1).clamp_min(1).to(torch::kCPU);  // [B]
  auto packed =
      rnn::pack_padded_sequence(x, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  auto out = lstm ? std::get<0>(lstm->forward_with_packed_input(packed))
                  : std::get<0>(gru->forward_with_packed_input(packed));
  // [B, S, D] with zeros past each row's length.
  return std::get<0>(rnn::pad_packed_sequence(out, /*batch_first=*/true, /*padding_value=*/0.0,
                                              /*total_length=*/embedded.size(1)));
}

}  // namespace nmt
