// The transformer encoder-decoder (Vaswani et al. 2017) behind the Seq2Seq interface.
//
// Embedding sharing/tying and the output projection are the Seq2Seq base's (seq2seq.h); every
// projection matrix is Xavier.
//
// Decoding cache (DecoderCache::tensors), every entry batch-first:
//   decoder.<i>.self_keys / self_values             [B, H, t, d_k]  grown by one position per step
//   static.decoder.<i>.cross_keys / cross_values    [n, H, S, d_k]  computed once in initial_cache
//   static.src_bias                                 [n, 1, 1, S]    the source padding mask as a
//   bias source_row                                      [B]             row -> source sentence
// The cache is groupable: n = B / cache.group static rows (beam search keeps one per sentence).
#pragma once

#include <cstdint>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

// Throws ConfigError for inconsistent settings (heads not dividing d_model, shared embeddings
// over different vocabulary sizes, unknown choices).
Seq2Seq make_transformer(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab);

}  // namespace nmt
