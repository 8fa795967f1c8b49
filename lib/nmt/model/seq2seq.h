// The one interface every architecture implements (transformer, rnn). Training calls forward();
// every search algorithm (greedy, beam, sampling, forced scoring) calls encode() once and then
// step() one target position at a time, with reorder() when beams are selected or finished rows
// leave the batch. Neither training nor decoding code asks which architecture it drives.
//
// Shapes: B = batch rows, S = source length, T = target length, V = target vocabulary, D = d_model.
#pragma once

#include <torch/torch.h>

#include "nmt/model/linear.h"

#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/model/decoder_cache.h"

namespace nmt {

struct EncoderOutput {
  torch::Tensor memory;        // [B, S, D] encoder states
  torch::Tensor src_pad_mask;  // [B, S] bool, true at padding
  std::vector<EncoderOutput> members;  // an ensemble's, one per member (ensemble.h)
};

// Attention weights of a teacher-forced pass, for pictures and alignments.
struct AttentionMaps {
  std::vector<torch::Tensor> encoder_self;  // per layer [B, H, S, S]
  std::vector<torch::Tensor> decoder_self;  // per layer [B, H, T, T]
  std::vector<torch::Tensor> cross;         // per layer [B, H, T, S]
};

class Seq2SeqImpl : public torch::nn::Module {
 public:
  ~Seq2SeqImpl() override = default;

  // Teacher forcing: src [B, S] and tgt_in [B, T] (BOS-prefixed) token ids -> logits [B, T, V].
  virtual torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) = 0;

  virtual EncoderOutput encode(const torch::Tensor& src) = 0;
  virtual DecoderCache initial_cache(const EncoderOutput& encoded) = 0;
  // last_tokens [B] (BOS at the first step) -> log-probabilities [B, V] (float32) of the next
  // token.
  virtual torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                             DecoderCache& cache) = 0;
  // Keeps rows `indices` ([B'] int64, repeats allowed) of the cache and the encoder output. The
  // default is reorder_cache_rows (decoder_cache.h).
  virtual void reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices);

  // Teacher-forced pass that also returns every attention map (for `nmt attention`, reports).
  virtual AttentionMaps attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) = 0;

  const ModelConfig& config() const { return config_; }
  int64_t src_vocab_size() const { return src_vocab_; }
  int64_t tgt_vocab_size() const { return tgt_vocab_; }
  int64_t parameter_count() const;
  // "transformer: 9.6M parameters (embeddings 2.1M, encoder 3.2M, decoder 4.3M)".
  std::string parameter_summary() const;

  // Decoder states [..., D] -> logits [..., V] through the (possibly tied) output projection.
  torch::Tensor project(const torch::Tensor& hidden);

  // int8 decoding (int8_gemm.h): quantizes every Linear (attention projections, feed-forward,
  // output projection, also when tied to the target embeddings) per output row and frees their
  // float weights. The model then decodes on the CPU only; embeddings, LayerNorm and attention stay
  // float. Throws ConfigError where this build has no int8 kernels.
  void quantize_int8();
  // Loading a saved int8 model: prepare_int8() makes the int8 buffers the file fills (and frees the
  // float weights it does not hold), finish_int8() packs them after loading.
  void prepare_int8();
  void finish_int8();
  bool is_int8() const { return int8_; }
  // Converts the floating-point parameters and buffers to `dtype` (an int8 model's float parts:
  // Module::to would also convert its int8 weights and their scales).
  void convert_floats(torch::ScalarType dtype);

 protected:
  Seq2SeqImpl(ModelConfig config, int64_t src_vocab, int64_t tgt_vocab)
      : config_(std::move(config)), src_vocab_(src_vocab), tgt_vocab_(tgt_vocab) {}

  // The embedding tables and output projection every architecture shares.
  //
  // Embeddings: one table per side, or one shared table (model.share_embeddings, which needs equal
  // vocabularies); the output projection reuses the target table when model.tie_embeddings.
  // Tables are [vocab, D] with padding_idx kPadId, initialised N(0, D^-1/2) (scaled by sqrt(D) on
  // input, so their rows start at unit norm and tied logits start at unit variance) with the
  // padding row zero; the untied projection is Xavier.
  //
  // EncoderDecoder below calls register_embeddings() first and register_output_projection() after
  // registering the encoder and decoder: that is the parameter order (and the random
  // initialisation order) of every model file written so far.
  //
  // Registers src_embed and tgt_embed (the same table, registered once, when shared). Throws
  // ConfigError for shared embeddings over different vocabulary sizes.
  void register_embeddings();
  // Registers output_projection [D] -> [V] unless the embeddings are tied.
  void register_output_projection();
  ModelConfig config_;
  int64_t src_vocab_, tgt_vocab_;
  torch::nn::Embedding src_embed{nullptr};
  torch::nn::Embedding tgt_embed{nullptr};       // == src_embed (registered once) when shared
  nmt::Linear output_projection{nullptr};  // untied only

 private:
  bool int8_ = false;
  std::shared_ptr<const Int8Gemm> int8_tied_projection_;  // int8 and tied: the buffers below
};

// An architecture made of an Encoder (called as encoder(embedded [B, S, D], pad_mask [B, S]) ->
// memory [B, S, D]) and a Decoder, both built from the ModelConfig, between the shared embeddings
// and output projection. The transformer (transformer.cpp) and the rnn (rnn.cpp) derive from it.
template <typename Encoder, typename Decoder>
class EncoderDecoder : public Seq2SeqImpl {
 public:
  EncoderOutput encode(const torch::Tensor& src) override {
    TORCH_CHECK(src.dim() == 2, "encode: src must be [batch, src_len], got ", src.sizes());
    EncoderOutput out;
    out.src_pad_mask = src.eq(kPadId);                       // [B, S]
    out.memory = encoder(src_embed(src), out.src_pad_mask);  // [B, S, D]
    return out;
  }

 protected:
  // Registers src_embed, tgt_embed, encoder, decoder and output_projection, in this order.
  EncoderDecoder(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab)
      : Seq2SeqImpl(config, src_vocab, tgt_vocab) {
    TORCH_CHECK(src_vocab > kEosId && tgt_vocab > kEosId,
                "vocabularies must hold the reserved ids");
    register_embeddings();
    encoder = register_module("encoder", Encoder(config_));
    decoder = register_module("decoder", Decoder(config_));
    register_output_projection();
  }

  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
};

using Seq2Seq = std::shared_ptr<Seq2SeqImpl>;

// Builds the architecture named by config.arch with Xavier-initialised parameters.
Seq2Seq make_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab);

}  // namespace nmt
