// Ensemble decoding: several models that share the vocabularies act as one Seq2SeqImpl, so every
// search (greedy, beam, sampling) decodes with them unchanged. Each member encodes the source and
// keeps its own decoder cache (EncoderOutput::members, DecoderCache::members); a step runs every
// member and returns the mean of their log-probabilities, as Marian does (with equal weights):
//   log p(y | ...) = (1/N) sum_i log p_i(y | ...)
// This is not renormalised, so a hypothesis' score is the mean of its scores under each member
// (for the same tokens), which is what an ensemble's beam search ranks. Members may differ in
// architecture and size; a row's result still depends on that row only (each member's does).
#pragma once

#include <vector>

#include "nmt/model/seq2seq.h"

namespace nmt {

class EnsembleImpl : public Seq2SeqImpl {
 public:
  // Throws ConfigError for fewer than two members or different vocabulary sizes. Members must be
  // prepared for decoding already (device, precision, eval mode).
  explicit EnsembleImpl(std::vector<Seq2Seq> members);

  // Mean of the members' log-softmax [B, T, V] (float32): log-probabilities, not logits.
  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) override;
  EncoderOutput encode(const torch::Tensor& src) override;
  DecoderCache initial_cache(const EncoderOutput& encoded) override;
  torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                     DecoderCache& cache) override;
  void reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices) override;
  // The first member's maps (attention pictures are one model's).
  AttentionMaps attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) override;

  const std::vector<Seq2Seq>& members() const { return members_; }

 private:
  std::vector<Seq2Seq> members_;
};

// Builds an ensemble of `members` (see EnsembleImpl).
Seq2Seq make_ensemble(std::vector<Seq2Seq> members);

}  // namespace nmt
