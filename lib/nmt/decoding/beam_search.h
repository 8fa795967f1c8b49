// Beam search: each sentence keeps the `beam` most probable partial translations and extends
// all of them by one token per step. Many sentences are searched together, each with its own
// beam (rows = sentences x beam in the model's cache). Follows fairseq's formulation:
//   - the 2*beam best (hypothesis, token) candidates of a sentence are taken each step, which
//     guarantees `beam` non-EOS continuations (each hypothesis contributes at most one EOS);
//   - an EOS candidate ranked within the top `beam` completes a hypothesis;
//   - a sentence is done when it has `beam` completed hypotheses or reached its maximum length
//     (where EOS is forced), and then leaves the batch, so later steps only run live sentences.
// Candidates are ranked by the raw summed log-probability; completed hypotheses by the
// length-normalised score. With beam 1 this is exactly greedy search.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

// src [B, S] int64 on the model's device, right-padded with kPadId, each row ending with EOS.
// Returns, per row in row order, the options.nbest best hypotheses (best first, distinct).
std::vector<NBestList> beam_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                   const SearchOptions& options);

}  // namespace nmt
