// The one interface every architecture implements (transformer, rnn). Training calls forward();
// every search algorithm (greedy, beam, sampling, forced scoring) calls encode() once and then
// step() one target position at a time, with reorder() when beams are selected or finished rows
// leave the batch. Neither training nor decoding code asks which architecture it drives.
//
// Shapes: B = batch rows, S = source length, T = target length, V = target vocabulary, D = d_model.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "nmt/config/config.h"

namespace nmt {

struct EncoderOutput {
  torch::Tensor memory;        // [B, S, D] encoder states
  torch::Tensor src_pad_mask;  // [B, S] bool, true at padding
};

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
  int64_t steps = 0;  // target positions consumed so far
  bool groupable = false;  // set by initial_cache(): step() reads grouped static entries
  int64_t group = 1;       // cache rows per static row (and per row of `encoded`)
  // When true, step() stores the cross-attention weights of this step, averaged over heads, of the
  // last layer in `attention` ([B, S]) and per layer/head in `attention_layers` ([B, L, H, S]).
  bool keep_attention = false;
  torch::Tensor attention;
  torch::Tensor attention_layers;
};

// Attention weights of a teacher-forced pass, for pictures and alignments.
struct AttentionMaps {
  std::vector<torch::Tensor> encoder_self;   // per layer [B, H, S, S]
  std::vector<torch::Tensor> decoder_self;   // per layer [B, H, T, T]
  std::vector<torch::Tensor> cross;          // per layer [B, H, T, S]
};

class Seq2SeqImpl : public torch::nn::Module {
 public:
  ~Seq2SeqImpl() override = default;

  // Teacher forcing: src [B, S] and tgt_in [B, T] (BOS-prefixed) token ids -> logits [B, T, V].
  virtual torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) = 0;

  virtual EncoderOutput encode(const torch::Tensor& src) = 0;
  virtual DecoderCache initial_cache(const EncoderOutput& encoded) = 0;
  // last_tokens [B] (BOS at the first step) -> log-probabilities [B, V] (float32) of the next token.
  virtual torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                             DecoderCache& cache) = 0;
  // Keeps rows `indices` ([B'] int64, repeats allowed) of the cache and the encoder output. The
  // default index_selects dim 0 of every cache tensor and of `encoded`, skipping static entries and
  // `encoded` when no row changes its source, and grouping them when the cache is groupable (see
  // DecoderCache).
  virtual void reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices);

  // Teacher-forced pass that also returns every attention map (for `nmt attention`, reports).
  virtual AttentionMaps attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) = 0;

  const ModelConfig& config() const { return config_; }
  int64_t src_vocab_size() const { return src_vocab_; }
  int64_t tgt_vocab_size() const { return tgt_vocab_; }
  int64_t parameter_count() const;
  // "transformer: 9.6M parameters (embeddings 2.1M, encoder 3.2M, decoder 4.3M)".
  std::string parameter_summary() const;

 protected:
  Seq2SeqImpl(ModelConfig config, int64_t src_vocab, int64_t tgt_vocab)
      : config_(std::move(config)), src_vocab_(src_vocab), tgt_vocab_(tgt_vocab) {}
  ModelConfig config_;
  int64_t src_vocab_, tgt_vocab_;
};

using Seq2Seq = std::shared_ptr<Seq2SeqImpl>;

// Builds the architecture named by config.arch with Xavier-initialised parameters.
Seq2Seq make_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab);

}  // namespace nmt
