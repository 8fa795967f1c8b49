// The options every search algorithm shares, resolved from the `decode` config section, and the
// per-step constraints they imply (which tokens may be chosen at target position t).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/decoding/length_penalty.h"

namespace nmt {

struct SearchOptions {
  int64_t beam = 5;   // hypotheses kept per sentence (1 = greedy), >= 1
  int64_t nbest = 1;  // hypotheses returned per sentence, 1..beam (sampling: samples drawn)
  LengthPenalty length_penalty;  // how finished hypotheses are ranked
  // A sentence of n source tokens (the EOS the encoder sees included) gets at most
  // floor(a * n + b) tokens before EOS; EOS is then the only choice. Also capped by the model's
  // positional table (max_positions - 1 tokens before EOS).
  double max_length_a = 1.5;
  int64_t max_length_b = 10;
  int64_t min_length = 0;       // EOS is forbidden while fewer tokens than this were generated
  bool keep_attention = false;  // fill Hypothesis::attention (costs a copy per step)

  // Takes beam, nbest, the length penalty and the length limits from a DecodeConfig.
  static SearchOptions from_config(const DecodeConfig& decode);
  // Throws ConfigError naming the option when a value is out of range (nbest > beam, ...).
  void validate() const;
  // Tokens allowed before the forced EOS for a source of `source_length` tokens.
  int64_t max_length(int64_t source_length, int64_t max_positions) const;
};

// Per-row maximum lengths for a padded source batch [B, S] (padding = kPadId).
std::vector<int64_t> max_lengths(const torch::Tensor& src, const SearchOptions& options,
                                 int64_t max_positions);
// The source lengths (non-padding tokens) of each row of src [B, S], on the CPU.
std::vector<int64_t> source_lengths(const torch::Tensor& src);

// Masks what no search may choose at target position `t` (tokens generated so far):
// pad and BOS always; EOS while t < min_length; everything but EOS in rows whose maximum length
// is t. log_probs [rows, V] -> a masked copy [rows, V] (-inf where forbidden). The raw
// log-probabilities of allowed tokens are unchanged, so scores stay the model's own.
torch::Tensor constrain_log_probs(const torch::Tensor& log_probs, int64_t t,
                                  const std::vector<int64_t>& row_max_length, int64_t min_length);

}  // namespace nmt
