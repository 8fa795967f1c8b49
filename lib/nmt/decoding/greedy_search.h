// Greedy decoding: at every step each sentence takes one token (the most likely, or one chosen
// by a sampler) until it emits EOS. Sentences are decoded together as one batch over the
// incremental API (encode once, one step() per target position); a sentence that has finished
// leaves the batch through reorder(), so the work shrinks as the batch empties.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

// Chooses the next token of every row: masked log-probs [rows, V] (-inf = forbidden) ->
// token ids [rows] int64. Must never pick a -inf entry while a finite one exists.
using TokenChooser = std::function<torch::Tensor(const torch::Tensor& masked_log_probs)>;

// The argmax chooser greedy search uses.
torch::Tensor choose_argmax(const torch::Tensor& masked_log_probs);

// src [B, S] int64 on the model's device, right-padded with kPadId, each row ending with EOS.
// Returns one hypothesis per row, in row order. options.beam and options.nbest are ignored.
std::vector<Hypothesis> greedy_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                      const SearchOptions& options);
// The same loop with another token chooser (sampling uses it).
std::vector<Hypothesis> greedy_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                      const SearchOptions& options, const TokenChooser& choose);

// Hypothesis::attention for `rows` steps of attention rows [S] of a sentence with
// `source_length` real tokens: stacks them into [T, source_length] (padding columns cropped).
torch::Tensor stack_attention(const std::vector<torch::Tensor>& rows, int64_t source_length);

}  // namespace nmt
