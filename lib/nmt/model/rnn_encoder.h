// The rnn architecture's encoder: a stack of bidirectional LSTM (or GRU) layers over the source
// embeddings. Each direction has D/2 units, so memory states are D wide like the transformer's.
// Sequences are packed by length, so the backward direction starts at each row's last real token
// and padding never leaks into the states of real tokens.
#pragma once

#include <torch/torch.h>

#include "nmt/config/config.h"

namespace nmt {

class RnnEncoderImpl : public torch::nn::Module {
 public:
  // Throws ConfigError when d_model is odd (two directions of D/2) or rnn_cell is unknown.
  explicit RnnEncoderImpl(const ModelConfig& config);

  // embedded [B, S, D] (embedding rows), pad_mask [B, S] (true at padding, right-padded)
  // -> memory [B, S, D], zero at padding.
  torch::Tensor forward(const torch::Tensor& embedded, const torch::Tensor& pad_mask);

 private:
  double dropout_;
  torch::nn::LSTM lstm{nullptr};  // rnn_cell lstm
  torch::nn::GRU gru{nullptr};    // rnn_cell gru
};
TORCH_MODULE(RnnEncoder);

// Xavier-initialises every weight matrix of an LSTM/GRU (per gate block), zeroes the biases and,
// for an LSTM (`forget_bias`), sets the forget-gate input bias to 1 so early gradients flow.
void init_recurrent(torch::nn::Module& rnn, int64_t hidden, int64_t gates, bool forget_bias);

// Throws ConfigError unless `cell` is lstm or gru.
void check_rnn_cell(const std::string& cell);

}  // namespace nmt
