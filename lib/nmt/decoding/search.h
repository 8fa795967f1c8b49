// One entry point over the search algorithms: sampling when a sampler is given, greedy search
// for beam 1 (cheaper bookkeeping, same result as beam search with beam 1), beam search otherwise.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/sampling.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

// src [B, S] int64 on the model's device, right-padded with kPadId, rows ending with EOS.
// Returns per row its n-best list (options.nbest hypotheses, or samples, best/first first).
std::vector<NBestList> run_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                  const SearchOptions& options, TokenSampler* sampler = nullptr);

// Builds the padded source batch [B, S] (each row: ids then EOS, right-padded with kPadId) on
// `device` from token ids without EOS.
torch::Tensor make_source_batch(const std::vector<const std::vector<int64_t>*>& sources,
                                const torch::Device& device);

}  // namespace nmt
