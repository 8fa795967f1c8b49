// Sampling translations instead of searching for the best one (back-translation, diversity):
// each step draws the next token from the model's distribution, reshaped by a temperature and
// truncated to the top-k tokens and/or the smallest set holding top-p of the mass (nucleus).
// The draws come from a generator seeded explicitly, so a seed reproduces the same samples for
// the same input batch (the samples do depend on which sentences are batched together, since
// they share the generator's stream).
#pragma once

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

struct SamplingOptions {
  double temperature = 1.0;  // divides the log-probs; < 1 sharpens, > 1 flattens; > 0
  int64_t top_k = 0;         // keep only the k most likely tokens (0 = all; 1 = greedy)
  double top_p = 1.0;        // keep the most likely tokens until their mass reaches p, (0, 1]
  uint64_t seed = 0;         // seeds the generator

  static SamplingOptions from_config(const DecodeConfig& decode, uint64_t seed);
  void validate() const;  // throws ConfigError naming the option
};

// Draws one token per row. Holds the generator, so successive calls continue its stream.
class TokenSampler {
 public:
  explicit TokenSampler(const SamplingOptions& options);
  // masked log-probs [rows, V] (-inf = forbidden) -> token ids [rows] int64, on the input's device.
  torch::Tensor operator()(const torch::Tensor& masked_log_probs);
  // The filtered, tempered log-probs draws are made from (-inf outside top-k / top-p): [rows, V].
  torch::Tensor filter(const torch::Tensor& masked_log_probs) const;

 private:
  SamplingOptions options_;
  at::Generator generator_;  // CPU generator: draws are made on the CPU for every device
};

// options.nbest samples per sentence (sources repeated), each a Hypothesis whose log_prob and
// score are under the model's own distribution (not the tempered one). Returns, per row of
// src [B, S], its samples in the order drawn.
std::vector<NBestList> sample(Seq2SeqImpl& model, const torch::Tensor& src,
                              const SearchOptions& options, TokenSampler& sampler);

}  // namespace nmt
