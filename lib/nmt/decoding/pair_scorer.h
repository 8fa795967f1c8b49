// Scores many (source, target) pairs with forced decoding: sorts them by length into token-budget
// batches, runs one teacher-forced pass per batch and returns the scores in input order. This is
// `nmt score` (like marian-scorer) without the text handling. Sequences longer than the model's
// positional table are truncated, with a warning naming the line.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/decoding/forced_decoding.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

class PairScorer {
 public:
  // The model is put in eval mode and must sit on `device`. batch_tokens >= 1 counts padded
  // positions of the longer side (source + EOS or target + EOS).
  PairScorer(Seq2Seq model, int64_t batch_tokens, torch::Device device);

  // sources / targets: token ids without EOS (added here; the target's EOS is scored, as the
  // searches score it). `origin` and `first_line` name lines in warnings.
  std::vector<ForcedScore> score(const std::vector<std::vector<int64_t>>& sources,
                                 const std::vector<std::vector<int64_t>>& targets,
                                 const std::string& origin = "input", int64_t first_line = 1);

 private:
  Seq2Seq model_;
  int64_t batch_tokens_;
  torch::Device device_;
};

}  // namespace nmt
