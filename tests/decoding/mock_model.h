// A deterministic stand-in for a trained model, for testing searches without training one. Its
// next-token logits are any function of (the source tokens without padding and EOS, the target
// prefix without BOS), so the best outputs can be found by brute force over the same function.
// Because the logits depend on the whole prefix, a search that reorders the cache wrongly, or lets
// one row's state leak into another, produces different results.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "nmt/config/special_ids.h"
#include "nmt/model/seq2seq.h"

namespace nmt::test {

// (source tokens, target prefix) -> logits [V].
using Scorer = std::function<std::vector<float>(const std::vector<int64_t>& source,
                                                const std::vector<int64_t>& prefix)>;

class MockModelImpl : public Seq2SeqImpl {
 public:
  MockModelImpl(int64_t vocab, Scorer scorer, int64_t max_positions = 1024)
      : Seq2SeqImpl(config_with(max_positions), vocab, vocab), scorer_(std::move(scorer)) {}

  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& tgt_in) override {
    EncoderOutput encoded = encode(src);
    DecoderCache cache = initial_cache(encoded);
    // Padding positions of tgt_in are ignored by the caller; feed BOS/EOS there so the checks in
    // step() only catch a search feeding pad or BOS.
    torch::Tensor inputs = tgt_in.clone();  // [B, T]
    inputs.select(1, 0).masked_fill_(inputs.select(1, 0).eq(kPadId), kBosId);
    inputs.narrow(1, 1, inputs.size(1) - 1)
        .masked_fill_(inputs.narrow(1, 1, inputs.size(1) - 1).eq(kPadId), kEosId);
    std::vector<torch::Tensor> steps;
    for (int64_t t = 0; t < inputs.size(1); ++t)
      steps.push_back(step(inputs.select(1, t), encoded, cache));
    return torch::stack(steps, /*dim=*/1);  // [B, T, V] (log-probs are valid logits)
  }

  EncoderOutput encode(const torch::Tensor& src) override {
    return {src.to(torch::kFloat).unsqueeze(-1), src.eq(kPadId)};  // memory [B, S, 1]
  }

  DecoderCache initial_cache(const EncoderOutput& encoded) override {
    DecoderCache cache;
    cache.tensors["inputs"] = torch::zeros({encoded.memory.size(0), 0}, torch::kLong);  // [B, 0]
    return cache;
  }

  torch::Tensor step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                     DecoderCache& cache) override {
    const int64_t B = last_tokens.size(0);
    TORCH_CHECK(encoded.memory.size(0) == B, "mock: encoder rows ", encoded.memory.size(0),
                " != ", B);
    torch::Tensor& inputs = cache.tensors["inputs"];
    TORCH_CHECK(inputs.size(0) == B && inputs.size(1) == cache.steps, "mock: cache out of step");
    inputs = torch::cat({inputs, last_tokens.cpu().to(torch::kLong).unsqueeze(1)}, 1);  // [B, t+1]
    rows_per_step.push_back(B);
    const int64_t V = tgt_vocab_size();
    torch::Tensor logits = torch::empty({B, V});
    torch::Tensor attention = torch::zeros({B, encoded.memory.size(1)});
    for (int64_t b = 0; b < B; ++b) {
      const std::vector<int64_t> source = source_of(encoded, b);
      std::vector<int64_t> prefix;
      for (int64_t t = 0; t < inputs.size(1); ++t) {
        const int64_t tok = inputs[b][t].item<int64_t>();
        if (t == 0) {
          TORCH_CHECK(tok == kBosId, "mock: first input must be BOS, got ", tok);
        } else {
          TORCH_CHECK(tok != kPadId && tok != kBosId, "mock: fed pad/bos at position ", t);
          prefix.push_back(tok);
        }
      }
      const std::vector<float> row = scorer_(source, prefix);
      TORCH_CHECK(static_cast<int64_t>(row.size()) == V, "mock: scorer returned ", row.size());
      logits[b] = torch::tensor(row);
      // Attention over the real source positions only, a function of (source, prefix).
      std::mt19937_64 gen(hash(source, prefix) ^ 0x5bd1e995);
      for (size_t s = 0; s <= source.size(); ++s)
        attention[b][s] = static_cast<float>(1 + gen() % 7);  // + EOS
    }
    ++cache.steps;
    if (cache.keep_attention) cache.attention = attention / attention.sum(1, true);  // [B, S]
    return logits.log_softmax(-1).to(last_tokens.device());
  }

  AttentionMaps attention_maps(const torch::Tensor&, const torch::Tensor&) override { return {}; }

  static uint64_t hash(const std::vector<int64_t>& source, const std::vector<int64_t>& prefix) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](uint64_t x) { h = (h ^ (x + 0x9e3779b97f4a7c15ull)) * 1099511628211ull; };
    for (int64_t t : source) mix(static_cast<uint64_t>(t));
    mix(0xFFFFull);
    for (int64_t t : prefix) mix(static_cast<uint64_t>(t));
    return h;
  }

  std::vector<int64_t> rows_per_step;  // B of every step() call, to see the batch shrink

 private:
  static ModelConfig config_with(int64_t max_positions) {
    ModelConfig c;
    c.max_positions = max_positions;
    return c;
  }
  // The source tokens of row b without padding and without the final EOS (which must be there).
  static std::vector<int64_t> source_of(const EncoderOutput& encoded, int64_t b) {
    std::vector<int64_t> out;
    for (int64_t s = 0; s < encoded.memory.size(1); ++s)
      if (!encoded.src_pad_mask[b][s].item<bool>())
        out.push_back(encoded.memory[b][s][0].item<float>());
    TORCH_CHECK(!out.empty() && out.back() == kEosId, "mock: source row ", b,
                " does not end with EOS");
    out.pop_back();
    return out;
  }
  Scorer scorer_;
};
TORCH_MODULE(MockModel);

// Pseudo-random logits seeded by (seed, source, prefix): every prefix gets its own distribution.
// EOS gets `eos_bias` per prefix token, so hypotheses end after a few tokens.
inline Scorer random_scorer(int64_t vocab, uint64_t seed, float scale = 2.0f,
                            float eos_bias = 0.4f) {
  return [=](const std::vector<int64_t>& source, const std::vector<int64_t>& prefix) {
    std::mt19937_64 gen(MockModelImpl::hash(source, prefix) + seed * 7919);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> logits(vocab);
    for (auto& x : logits) x = normal(gen);
    logits[kEosId] += eos_bias * static_cast<float>(prefix.size()) - 1.0f;
    return logits;
  };
}

// A batch [B, S] from token rows (each gets EOS, right-padded with pad).
inline torch::Tensor source_batch(const std::vector<std::vector<int64_t>>& rows) {
  size_t S = 0;
  for (const auto& r : rows) S = std::max(S, r.size() + 1);
  torch::Tensor src = torch::full({static_cast<int64_t>(rows.size()), static_cast<int64_t>(S)},
                                  kPadId, torch::kLong);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) src[i][j] = rows[i][j];
    src[i][rows[i].size()] = kEosId;
  }
  return src;
}

}  // namespace nmt::test
