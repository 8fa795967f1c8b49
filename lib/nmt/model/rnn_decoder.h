// The rnn architecture's decoder: Luong et al. (2015) global attention with input feeding.
//
//   x_t   = [embed(y_{t-1}) ; h~_{t-1}]                 input feeding: last attentional state
//   h_t   = LSTM/GRU stack(x_t, state_{t-1})            decoder_layers layers of D units
//   c_t   = attention(query h_t, keys/values = memory)  AttentionScores with one head of width D
//   h~_t  = tanh(W_c [c_t ; h_t])                        the attentional state, fed to the output
//
// The initial hidden state of every layer is tanh(W_b mean(memory)) (the mean over real source
// tokens); LSTM cells and h~_0 start at zero. Input feeding makes the recurrence sequential, so
// teacher forcing runs the same step() per position, and decoding one step is exactly one column
// of the teacher-forced pass.
#pragma once

#include <torch/torch.h>

#include "nmt/model/linear.h"

#include "nmt/config/config.h"
#include "nmt/model/attention_scores.h"

namespace nmt {

// The recurrent state between steps, in the layouts the RNN modules use.
struct RnnState {
  torch::Tensor hidden;  // [L, B, D]
  torch::Tensor cell;    // [L, B, D] (LSTM only; undefined for GRU)
  torch::Tensor feed;    // [B, D] the previous attentional state h~
};

class RnnDecoderImpl : public torch::nn::Module {
 public:
  explicit RnnDecoderImpl(const ModelConfig& config);

  // The state before the first target position, from memory [B, S, D] and pad_mask [B, S].
  RnnState initial_state(const torch::Tensor& memory, const torch::Tensor& pad_mask);

  // Attention keys [B, 1, S, D] prepared once per source (the scorer's transform of the memory).
  torch::Tensor prepare_keys(const torch::Tensor& memory) {
    return attention->prepare_keys(memory.unsqueeze(1));
  }

  // One position: embedded [B, D] (embedding row of the previous token), keys from
  // prepare_keys(), values = memory [B, S, D], src_bias [B, 1, 1, S] -> h~ [B, D]; advances
  // `state`. `weights`, when given, receives the attention weights [B, 1, 1, S].
  torch::Tensor step(const torch::Tensor& embedded, RnnState& state, const torch::Tensor& keys,
                     const torch::Tensor& memory, const torch::Tensor& src_bias,
                     torch::Tensor* weights = nullptr);

  // Teacher forcing: embedded [B, T, D] -> attentional states [B, T, D]. `weights`, when given,
  // receives the attention weights [B, 1, T, S].
  torch::Tensor forward(const torch::Tensor& embedded, const torch::Tensor& memory,
                        const torch::Tensor& pad_mask, torch::Tensor* weights = nullptr);

  bool is_lstm() const { return !lstm.is_empty(); }

 private:
  int64_t d_model_, layers_;
  double dropout_;
  torch::nn::LSTM lstm{nullptr};      // rnn_cell lstm: input [2D], hidden D
  torch::nn::GRU gru{nullptr};        // rnn_cell gru
  nmt::Linear bridge{nullptr};  // [D] -> [L * D]: initial hidden states
  AttentionScores attention{nullptr};
  nmt::Linear combine{nullptr};  // W_c: [2D] -> [D], no bias
};
TORCH_MODULE(RnnDecoder);

}  // namespace nmt
