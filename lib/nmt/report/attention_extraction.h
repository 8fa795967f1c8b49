// From a model's attention weights to labelled figures: runs Seq2SeqImpl::attention_maps on one
// (source, target) pair and cuts out the maps `nmt attention` and the report draw.
//
// Sequences as the model sees them (the corpus's conventions, corpus/batch.h):
//   src    = source ids + EOS                 columns of cross-attention, both axes of encoder self
//   tgt_in = BOS + target ids                 both axes of decoder self-attention
//   rows of cross-attention = what each position produced: target pieces + "</s>"
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/model/seq2seq.h"
#include "nmt/report/attention_figure.h"

namespace nmt::report {

struct AttentionRequest {
  int64_t layer = 0;        // 1-based layer to draw; 0 = the last one
  int64_t head = 0;         // 1-based head; 0 = the mean over all heads
  bool all_heads = false;   // one figure per head of the layer, after the mean
  bool all_layers = false;  // the figures above for every layer, first to last (ignores `layer`)
  bool self_attention = false;  // also encoder and decoder self-attention (transformer only)
};

// A tensor holding one map [rows, cols] (any float dtype, any device) as a Matrix.
Matrix to_matrix(const torch::Tensor& map);

// Figures for one sentence pair. src_ids / tgt_ids are piece ids without EOS/BOS; src_pieces /
// tgt_pieces the matching piece strings (labels). Runs the model in eval mode without gradients
// (restoring its training flag). Throws ConfigError when `request` names a layer or head the
// model does not have. Adds to `notes` what could not be drawn (an rnn has no self-attention).
std::vector<AttentionFigure> attention_figures(
    Seq2SeqImpl& model, const std::vector<int64_t>& src_ids, const std::vector<int64_t>& tgt_ids,
    const std::vector<std::string>& src_pieces, const std::vector<std::string>& tgt_pieces,
    const AttentionRequest& request, std::vector<std::string>* notes = nullptr);

}  // namespace nmt::report
