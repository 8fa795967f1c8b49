#include "nmt/model/transformer.h"

#include "nmt/config/special_ids.h"
#include "nmt/model/attention_scores.h"
#include "nmt/model/decoder.h"
#include "nmt/model/encoder.h"
#include "nmt/util/error.h"

namespace nmt {

namespace {

std::string layer_key(int64_t i, const char* what) {
  return "decoder." + std::to_string(i) + "." + what;
}
std::string static_key(int64_t i, const char* what) {
  return std::string(DecoderCache::kStaticPrefix) + layer_key(i, what);
}

// `config`, after checking that model.heads divides model.d_model (before any module is built).
const ModelConfig& with_valid_heads(const ModelConfig& config) {
  if (config.heads <= 0 || config.d_model % config.heads != 0)
    throw ConfigError("config key 'model.heads': " + std::to_string(config.heads) +
                      " does not divide model.d_model = " + std::to_string(config.d_model));
  return config;
}

}  // namespace

class Seq2SeqTransformer final : public EncoderDecoder<TransformerEncoder, TransformerDecoder> {
 public:
  Seq2SeqTransformer(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab)
      : EncoderDecoder(with_valid_heads(config), src_vocab, tgt_vocab) {}

  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) override {
    TORCH_CHECK(tgt_in.dim() == 2 && tgt_in.size(0) == src.size(0),
                "forward: tgt_in must be [batch, tgt_len]");
    const auto encoded = encode(src);
    auto hidden = decoder(tgt_embed(tgt_in), encoded.memory,
                          padding_bias(encoded.src_pad_mask));  // [B, T, D]
    return project(hidden);                                     // [B, T, V]
  }

  DecoderCache initial_cache(const EncoderOutput& encoded) override {
    DecoderCache cache;
    cache.groupable = true;  // cross_attend() takes keys/values shared by groups of rows
    const auto rows = encoded.memory.size(0);
    cache.tensors[DecoderCache::kSourceRowKey] = torch::arange(
        rows, torch::TensorOptions().dtype(torch::kLong).device(encoded.memory.device()));
    cache.tensors[std::string(DecoderCache::kStaticPrefix) + "src_bias"] =
        padding_bias(encoded.src_pad_mask);
    const auto kv = decoder->memory_keys_values(encoded.memory);
    for (int64_t i = 0; i < decoder->num_layers(); ++i) {
      cache.tensors[static_key(i, "cross_keys")] = kv[i].first;
      cache.tensors[static_key(i, "cross_values")] = kv[i].second;
      cache.tensors[layer_key(i, "self_keys")] = torch::Tensor();
      cache.tensors[layer_key(i, "self_values")] = torch::Tensor();
    }
    return cache;
  }

  torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                     DecoderCache& cache) override {
    TORCH_CHECK(last_tokens.dim() == 1, "step: last_tokens must be [batch], got ",
                last_tokens.sizes());
    const int64_t layers = decoder->num_layers();
    std::vector<std::pair<torch::Tensor, torch::Tensor>> cross;
    std::vector<DecoderLayerState> states;
    for (int64_t i = 0; i < layers; ++i) {
      cross.emplace_back(cache.tensors.at(static_key(i, "cross_keys")),
                         cache.tensors.at(static_key(i, "cross_values")));
      states.push_back(
          {&cache.tensors[layer_key(i, "self_keys")], &cache.tensors[layer_key(i, "self_values")]});
    }
    const auto& src_bias = cache.tensors.at(std::string(DecoderCache::kStaticPrefix) + "src_bias");
    std::vector<torch::Tensor> cross_weights;
    auto embedded = tgt_embed(last_tokens.unsqueeze(1));  // [B, 1, D]
    // No self-attention mask: the single new position may see every cached one.
    auto hidden =
        decoder->run(embedded, cache.steps, torch::Tensor(), cross, src_bias, states, nullptr,
                     cache.keep_attention ? &cross_weights : nullptr);  // [B, 1, D]
    cache.steps += 1;
    if (cache.keep_attention) {
      auto per_layer =
          torch::stack(cross_weights, /*dim=*/1).squeeze(3);  // [B, L, H, 1, S] -> [B, L, H, S]
      cache.attention_layers = per_layer;
      cache.attention = per_layer.select(1, layers - 1).mean(/*dim=*/1);  // [B, S]
    }
    return torch::log_softmax(project(hidden.squeeze(1)), /*dim=*/-1, torch::kFloat);  // [B, V]
  }

  AttentionMaps attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) override {
    AttentionMaps maps;
    const auto pad_mask = src.eq(kPadId);
    auto memory = encoder(src_embed(src), pad_mask, &maps.encoder_self);
    decoder(tgt_embed(tgt_in), memory, padding_bias(pad_mask), &maps.decoder_self, &maps.cross);
    return maps;
  }
};

Seq2Seq make_transformer(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab) {
  return std::make_shared<Seq2SeqTransformer>(config, src_vocab, tgt_vocab);
}

}  // namespace nmt
