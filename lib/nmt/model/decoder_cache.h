// The per-sequence decoding state a search loop owns and passes to Seq2SeqImpl::step(), and the
// row reordering every architecture shares (Seq2SeqImpl::reorder's default).
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace nmt {

struct EncoderOutput;  // seq2seq.h

// Per-sequence decoding state, owned by the search loop and passed to step(). Every tensor has the
// batch row as dim 0, so reorder() is one index_select per entry whatever the architecture keeps
// (transformer: per-layer self-attention keys/values grown each step and cross-attention
// keys/values computed once; rnn: hidden/cell states and the input-feeding vector).
//
// Entries named with kStaticPrefix depend only on the source sentence of their row (cross-attention
// keys/values, the source mask): reorder() leaves them alone when every row keeps its source, which
// is what beam search does at almost every step (it reorders beams within a sentence). The row ->
// source map that proves it is the kSourceRowKey entry ([B] int64), set by initial_cache().
//
// Grouped static entries (an architecture opts in with `groupable`, the transformer does): when
// consecutive rows share one source, as the K hypotheses of a sentence do in beam search, the
// static entries and `encoded` keep ONE row per group of `group` consecutive cache rows instead of
// a copy per row (row r reads static row r / group). reorder() keeps that layout whenever the new
// rows come in equal runs of one source, and falls back to a row per row otherwise. So beam search
// holds a sentence's cross-attention keys/values once, not K times, and step() must accept static
// entries whose dim 0 divides the number of rows.
struct DecoderCache {
  static constexpr const char* kStaticPrefix = "static.";
  static constexpr const char* kSourceRowKey = "source_row";

  std::map<std::string, torch::Tensor> tensors;
  int64_t steps = 0;       // target positions consumed so far
  bool groupable = false;  // set by initial_cache(): step() reads grouped static entries
  int64_t group = 1;       // cache rows per static row (and per row of `encoded`)
  // When true, step() stores the cross-attention weights of this step, averaged over heads, of the
  // last layer in `attention` ([B, S]) and per layer/head in `attention_layers` ([B, L, H, S]).
  bool keep_attention = false;
  torch::Tensor attention;
  torch::Tensor attention_layers;
  std::vector<DecoderCache> members;  // an ensemble's: each member's own cache (ensemble.h)
};

// Self-attention keys/values grow by T positions per step. They live in buffers with spare room
// along dim 2 (time): a cache entry is a view [B, H, T', d_k] of a [B, H, capacity, d_k] buffer,
// so appending writes the new positions in place instead of copying the whole cache every step as
// torch::cat would; the capacity doubles when full (each position is copied O(1) times), and
// reorder_cache_rows copies only the T' used positions of the rows it keeps.
//
// cached (undefined at the first step, else a previous result) and x [B, H, T, d_k] ->
// [B, H, T' + T, d_k]. The result may share storage with `cached`: callers replace it.
torch::Tensor append_positions(const torch::Tensor& cached, const torch::Tensor& x);
// Capacity along dim 2 of a tensor append_positions returned (its size(2) for any other tensor).
int64_t time_capacity(const torch::Tensor& t);

// Keeps rows `indices` ([B'] int64, repeats allowed) of the cache and the encoder output:
// index_selects dim 0 of every cache tensor and of `encoded`, skipping static entries and `encoded`
// when no row changes its source, and grouping them when the cache is groupable (see DecoderCache).
void reorder_cache_rows(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices);

}  // namespace nmt
