// Forced decoding (scoring): the model's log-probability of given target sequences, from one
// teacher-forced forward() pass over the whole batch. This is what `nmt score` prints, and it
// reproduces the log_prob / token_log_probs a search reports for its own output, because both
// sum the same per-token log-probabilities (tested to 1e-4).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "nmt/model/seq2seq.h"

namespace nmt {

struct ForcedScore {
  double log_prob = 0.0;               // sum of token_log_probs (double)
  std::vector<float> token_log_probs;  // one per target token
};

// src [B, S] int64 (right-padded, rows ending with EOS) on the model's device; targets[i] the
// token ids row i must produce, including the final EOS when it is to be scored (search
// outputs already end with it). Returns one score per row. An empty target scores 0.
std::vector<ForcedScore> score_targets(Seq2SeqImpl& model, const torch::Tensor& src,
                                       const std::vector<std::vector<int64_t>>& targets);

}  // namespace nmt
