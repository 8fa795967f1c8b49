#include "nmt/model/rnn.h"

#include "nmt/config/special_ids.h"
#include "nmt/model/attention_scores.h"
#include "nmt/model/rnn_decoder.h"
#include "nmt/model/rnn_encoder.h"

namespace nmt {

namespace {

const std::string kKeys = std::string(DecoderCache::kStaticPrefix) + "keys";
const std::string kSrcBias = std::string(DecoderCache::kStaticPrefix) + "src_bias";

}  // namespace

class RnnSeq2Seq final : public EncoderDecoder<RnnEncoder, RnnDecoder> {
 public:
  RnnSeq2Seq(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab)
      : EncoderDecoder(config, src_vocab, tgt_vocab) {}

  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) override {
    TORCH_CHECK(tgt_in.dim() == 2 && tgt_in.size(0) == src.size(0),
                "forward: tgt_in must be [batch, tgt_len]");
    const auto encoded = encode(src);
    return project(decoder(tgt_embed(tgt_in), encoded.memory, encoded.src_pad_mask));  // [B, T, V]
  }

  DecoderCache initial_cache(const EncoderOutput& encoded) override {
    DecoderCache cache;
    const auto rows = encoded.memory.size(0);
    cache.tensors[DecoderCache::kSourceRowKey] = torch::arange(
        rows, torch::TensorOptions().dtype(torch::kLong).device(encoded.memory.device()));
    cache.tensors[kKeys] = decoder->prepare_keys(encoded.memory).contiguous();
    cache.tensors[kSrcBias] = padding_bias(encoded.src_pad_mask);
    auto state = decoder->initial_state(encoded.memory, encoded.src_pad_mask);
    cache.tensors["hidden"] = state.hidden.transpose(0, 1);  // [L, B, D] -> [B, L, D]
    if (state.cell.defined()) cache.tensors["cell"] = state.cell.transpose(0, 1);
    cache.tensors["feed"] = state.feed;
    return cache;
  }

  torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                     DecoderCache& cache) override {
    TORCH_CHECK(last_tokens.dim() == 1, "step: last_tokens must be [batch], got ",
                last_tokens.sizes());
    RnnState state;
    state.hidden =
        cache.tensors.at("hidden").transpose(0, 1).contiguous();  // [B, L, D] -> [L, B, D]
    if (decoder->is_lstm()) state.cell = cache.tensors.at("cell").transpose(0, 1).contiguous();
    state.feed = cache.tensors.at("feed");
    torch::Tensor weights;
    auto attentional = decoder->step(tgt_embed(last_tokens), state, cache.tensors.at(kKeys),
                                     encoded.memory, cache.tensors.at(kSrcBias),
                                     cache.keep_attention ? &weights : nullptr);  // [B, D]
    cache.tensors["hidden"] = state.hidden.transpose(0, 1);
    if (state.cell.defined()) cache.tensors["cell"] = state.cell.transpose(0, 1);
    cache.tensors["feed"] = state.feed;
    cache.steps += 1;
    if (cache.keep_attention) {
      cache.attention_layers =
          weights.squeeze(2).unsqueeze(1);              // [B, 1, 1, S] -> [B, 1(L), 1(H), S]
      cache.attention = weights.squeeze(2).squeeze(1);  // [B, S]
    }
    return torch::log_softmax(project(attentional), /*dim=*/-1, torch::kFloat);  // [B, V]
  }

  // Only `cross` is filled: one entry [B, 1, T, S].
  AttentionMaps attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) override {
    AttentionMaps maps;
    const auto encoded = encode(src);
    torch::Tensor weights;
    decoder(tgt_embed(tgt_in), encoded.memory, encoded.src_pad_mask, &weights);
    maps.cross.push_back(weights);  // [B, 1, T, S]
    return maps;
  }
};

Seq2Seq make_rnn(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab) {
  return std::make_shared<RnnSeq2Seq>(config, src_vocab, tgt_vocab);
}

}  // namespace nmt
