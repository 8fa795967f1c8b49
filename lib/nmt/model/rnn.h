// The rnn architecture (model.arch = rnn) behind the Seq2Seq interface: a bidirectional LSTM/GRU
// encoder (rnn_encoder.h) and a Luong-style attentional decoder with input feeding
// (rnn_decoder.h), with the embedding sharing/tying of the Seq2Seq base (seq2seq.h) and the
// attention scoring choices of the transformer. model.heads, ff, positional* and norm do not apply
// (recurrence carries position).
//
// Decoding cache (DecoderCache::tensors), every entry batch-first:
//   hidden           [B, L, D]   recurrent hidden states (the RNN's [L, B, D], transposed)
//   cell             [B, L, D]   LSTM cell states (lstm only)
//   feed             [B, D]      the previous attentional state (input feeding)
//   static.keys      [B, 1, S, D] attention keys prepared once per source
//   static.src_bias  [B, 1, 1, S] the source padding mask as a bias
//   source_row       [B]         row -> source sentence
#pragma once

#include <cstdint>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

// Throws ConfigError for inconsistent settings (odd d_model, shared embeddings over different
// vocabulary sizes, unknown choices). attention_maps() fills only `cross`: one entry [B, 1, T, S].
Seq2Seq make_rnn(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab);

}  // namespace nmt
