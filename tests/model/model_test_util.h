// Small models and fixed batches shared by the model tests.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <string>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/model/seq2seq.h"
#include "support/tiny_config.h"

namespace nmt::test {

constexpr int64_t kTinyVocab = 23;

// The shared tiny, dropout-free model config (support/tiny_config.h), under the model tests' name.
inline ModelConfig tiny_config(const std::string& arch = "transformer") {
  return tiny_model_shape(arch);
}

// Random token ids in [4, vocab) (no reserved ids), [rows, len].
inline torch::Tensor random_tokens(int64_t rows, int64_t len, int64_t vocab = kTinyVocab) {
  return torch::randint(kEosId + 1, vocab, {rows, len}, torch::kLong);
}

// Sources [3, 7] whose rows have 7, 5 and 3 real tokens (EOS last), right-padded with kPadId.
inline torch::Tensor padded_sources() {
  auto src = random_tokens(3, 7);
  const int64_t lengths[] = {7, 5, 3};
  for (int64_t r = 0; r < 3; ++r) {
    src[r][lengths[r] - 1] = kEosId;
    if (lengths[r] < 7) src[r].narrow(0, lengths[r], 7 - lengths[r]).fill_(kPadId);
  }
  return src;
}

// Teacher-forcing inputs [rows, len]: BOS then random tokens.
inline torch::Tensor target_inputs(int64_t rows, int64_t len) {
  auto tgt = random_tokens(rows, len);
  tgt.select(1, 0).fill_(kBosId);
  return tgt;
}

// Log-probabilities [B, T, V] of a teacher-forced pass, in float32.
inline torch::Tensor full_log_probs(Seq2SeqImpl& model, const torch::Tensor& src,
                                    const torch::Tensor& tgt_in) {
  return torch::log_softmax(model.forward(src, tgt_in).to(torch::kFloat), /*dim=*/-1);
}

// max |a - b| as a double.
inline double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

// Enables CPU bf16 autocast for its lifetime.
class AutocastBf16 {
 public:
  AutocastBf16() {
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  }
  ~AutocastBf16() {
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }
};

}  // namespace nmt::test
