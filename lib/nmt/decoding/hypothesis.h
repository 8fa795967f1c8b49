// One decoded output sequence with everything the search knows about it. Every search (greedy,
// beam, sampling) returns these, and forced decoding (scoring) reproduces log_prob and
// token_log_probs for a given sequence.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

struct Hypothesis {
  // Target token ids as generated, ending with EOS (kEosId) when the search finished the
  // sequence (it always does: EOS is forced at the maximum length). Never holds pad or BOS.
  std::vector<int64_t> tokens;
  // The model's log-probability of each token of `tokens` (same length), float32 as step() gives.
  std::vector<float> token_log_probs;
  double log_prob = 0.0;  // the raw sum of token_log_probs (accumulated in double)
  double score = 0.0;     // log_prob / length penalty: what hypotheses are ranked by
  // Cross-attention weights [tokens.size(), src_len] (float32, CPU), one row per generated
  // token, over the sentence's own source positions (padding cropped). Undefined unless the
  // search was asked to keep attention.
  torch::Tensor attention;

  // The tokens without the final EOS: what a tokenizer turns back into text.
  std::vector<int64_t> output_tokens() const;
};

// The n best hypotheses of one sentence, best (highest score) first.
using NBestList = std::vector<Hypothesis>;

// Hard alignments "s-t ..." (0-based source piece s for target piece t): for each target piece
// (EOS excluded) the source piece (EOS excluded) its cross-attention weighs most. "" without
// attention. `nmt translate --alignment` and `nmt serve` write them.
std::string hard_alignment(const Hypothesis& h);

}  // namespace nmt
