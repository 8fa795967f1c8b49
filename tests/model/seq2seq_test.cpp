// Behaviour every architecture must have, run over a spread of configurations.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "model_test_util.h"
#include "nmt/model/seq2seq.h"

using namespace nmt;
using namespace nmt::test;

namespace {

struct Variant {
  std::string name;
  std::function<void(ModelConfig&)> edit;
  int64_t tgt_vocab = kTinyVocab;  // != kTinyVocab needs share_embeddings off
};

std::vector<Variant> variants() {
  return {
      {"transformer_default", [](ModelConfig&) {}},
      {"transformer_learned_concat_post_gelu_untied",
       [](ModelConfig& c) {
         c.positional = "learned";
         c.positional_combine = "concat";
         c.norm = "post";
         c.activation = "gelu";
         c.tie_embeddings = false;
         c.share_embeddings = false;
       },
       19},
      {"transformer_sinusoidal_concat_general",
       [](ModelConfig& c) {
         c.positional_combine = "concat";
         c.attention = "general";
       }},
      {"transformer_learned_add_dot",
       [](ModelConfig& c) {
         c.positional = "learned";
         c.attention = "dot";
         c.share_embeddings = false;
       }},
      {"transformer_none_additive",
       [](ModelConfig& c) {
         c.positional = "none";
         c.attention = "additive";
       }},
      {"rnn_lstm", [](ModelConfig& c) { c.arch = "rnn"; }},
      {"rnn_gru_additive_untied",
       [](ModelConfig& c) {
         c.arch = "rnn";
         c.rnn_cell = "gru";
         c.attention = "additive";
         c.tie_embeddings = false;
         c.share_embeddings = false;
       },
       19},
      {"rnn_lstm_general_one_layer",
       [](ModelConfig& c) {
         c.arch = "rnn";
         c.attention = "general";
         c.encoder_layers = 1;
         c.decoder_layers = 1;
       }},
      {"rnn_gru_dot",
       [](ModelConfig& c) {
         c.arch = "rnn";
         c.rnn_cell = "gru";
         c.attention = "dot";
       }},
  };
}

class Seq2SeqVariants : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override {
    torch::manual_seed(11);
    config_ = tiny_config();
    GetParam().edit(config_);
    model_ = make_model(config_, kTinyVocab, GetParam().tgt_vocab);
    model_->eval();
  }
  torch::Tensor targets(int64_t rows, int64_t len) {
    auto t = target_inputs(rows, len);
    return t.clamp_max(GetParam().tgt_vocab - 1);
  }
  ModelConfig config_;
  Seq2Seq model_;
};

}  // namespace

TEST_P(Seq2SeqVariants, IncrementalDecodingEqualsTeacherForcing) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();
  auto tgt = targets(3, 6);
  auto full = full_log_probs(*model_, src, tgt);  // [3, 6, V]
  auto encoded = model_->encode(src);
  auto cache = model_->initial_cache(encoded);
  for (int64_t t = 0; t < 6; ++t) {
    auto lp = model_->step(tgt.select(1, t), encoded, cache);
    ASSERT_EQ(lp.scalar_type(), torch::kFloat);
    EXPECT_LT(max_diff(lp, full.select(1, t)), 1e-5) << "position " << t;
  }
  EXPECT_EQ(cache.steps, 6);
}

TEST_P(Seq2SeqVariants, IncrementalDecodingSurvivesReorder) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();
  // Two hypotheses per source with different prefixes, as beam search keeps them.
  auto expand = torch::tensor({0, 0, 1, 1, 2, 2}, torch::kLong);
  auto tgt = targets(6, 7);
  auto full = full_log_probs(*model_, src.index_select(0, expand), tgt);  // [6, 7, V]
  auto encoded = model_->encode(src);
  auto cache = model_->initial_cache(encoded);
  model_->reorder(cache, encoded, expand);
  auto rows = torch::arange(6, torch::kLong);  // which row of `full` each cache row follows
  for (int64_t t = 0; t < 7; ++t) {
    if (t == 2) {  // beams swap within their sentence (the sources stay put)
      auto idx = torch::tensor({1, 0, 2, 2, 5, 4}, torch::kLong);
      model_->reorder(cache, encoded, idx);
      rows = rows.index_select(0, idx);
    }
    if (t == 4) {  // a sentence finishes and leaves; another row is duplicated
      auto idx = torch::tensor({4, 5, 0, 0}, torch::kLong);
      model_->reorder(cache, encoded, idx);
      rows = rows.index_select(0, idx);
      // One row of the encoder output per group of rows that share a source (1 when ungrouped).
      EXPECT_EQ(encoded.memory.size(0) * cache.group, 4);
      EXPECT_EQ(encoded.src_pad_mask.size(0) * cache.group, 4);
    }
    if (t == 5) {  // rows in unequal runs of one source (1 + 2): a grouped cache falls back to 1
      auto idx = torch::tensor({3, 0, 1}, torch::kLong);
      model_->reorder(cache, encoded, idx);
      rows = rows.index_select(0, idx);
      EXPECT_EQ(cache.group, 1);
      EXPECT_EQ(encoded.memory.size(0), 3);
    }
    auto lp = model_->step(tgt.index_select(0, rows).select(1, t), encoded, cache);
    EXPECT_LT(max_diff(lp, full.index_select(0, rows).select(1, t)), 1e-5) << "position " << t;
  }
}

TEST_P(Seq2SeqVariants, LaterTargetsDoNotChangeEarlierOutputs) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();
  auto tgt = targets(3, 8);
  auto changed = tgt.clone();
  const int64_t t = 3;
  changed.narrow(1, t + 1, 8 - t - 1).copy_(targets(3, 8 - t - 1).clamp_min(kEosId + 1));
  auto a = model_->forward(src, tgt), b = model_->forward(src, changed);
  EXPECT_LT(max_diff(a.narrow(1, 0, t + 1), b.narrow(1, 0, t + 1)), 1e-6);
  EXPECT_GT(max_diff(a.narrow(1, t + 1, 8 - t - 1), b.narrow(1, t + 1, 8 - t - 1)), 1e-4);
}

TEST_P(Seq2SeqVariants, SourcePaddingDoesNotChangeOutputs) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();  // rows with 7, 5, 3 real tokens
  auto tgt = targets(3, 5);
  auto batched = model_->forward(src, tgt);
  // Each row alone, without padding, and with 4 extra padding columns.
  const int64_t lengths[] = {7, 5, 3};
  for (int64_t r = 0; r < 3; ++r) {
    auto alone = src[r].narrow(0, 0, lengths[r]).unsqueeze(0);
    auto padded = torch::cat({alone, torch::full({1, 4}, kPadId, torch::kLong)}, 1);
    auto out_alone = model_->forward(alone, tgt[r].unsqueeze(0));
    EXPECT_LT(max_diff(out_alone[0], batched[r]), 1e-5) << "row " << r;
    EXPECT_LT(max_diff(model_->forward(padded, tgt[r].unsqueeze(0)), out_alone), 1e-5)
        << "row " << r;
  }
}

TEST_P(Seq2SeqVariants, GradientsReachEveryParameter) {
  model_->train();
  auto src = padded_sources();
  auto tgt = targets(3, 6);
  auto logits = model_->forward(src, tgt);
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{3, 6, GetParam().tgt_vocab}));
  torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                       targets(3, 6).reshape({-1}))
      .backward();
  for (const auto& p : model_->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " has no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0)
        << p.key() << " has a zero gradient";
  }
}

TEST_P(Seq2SeqVariants, StepKeepsTheAttentionOfTheTeacherForcedPass) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();
  auto tgt = targets(3, 4);
  auto maps = model_->attention_maps(src, tgt);
  ASSERT_FALSE(maps.cross.empty());
  auto encoded = model_->encode(src);
  auto cache = model_->initial_cache(encoded);
  cache.keep_attention = true;
  for (int64_t t = 0; t < 4; ++t) {
    model_->step(tgt.select(1, t), encoded, cache);
    ASSERT_EQ(cache.attention.sizes(), (std::vector<int64_t>{3, 7}));
    EXPECT_LT(max_diff(cache.attention, maps.cross.back().select(2, t).mean(1)), 1e-5);
    EXPECT_LT(max_diff(cache.attention.sum(-1), torch::ones({3})), 1e-5);
    // Padding gets no attention: row 2 has 3 real tokens.
    EXPECT_EQ(cache.attention[2].narrow(0, 3, 4).abs().sum().item<double>(), 0.0);
  }
  EXPECT_EQ(cache.attention_layers.size(1), static_cast<int64_t>(maps.cross.size()));
}

TEST_P(Seq2SeqVariants, Bf16AutocastAndBf16WeightsStayCloseToFp32) {
  torch::NoGradGuard no_grad;
  auto src = padded_sources();
  auto tgt = targets(3, 6);
  auto reference = full_log_probs(*model_, src, tgt);
  {
    AutocastBf16 autocast;
    auto lp = full_log_probs(*model_, src, tgt);
    EXPECT_TRUE(torch::isfinite(lp).all().item<bool>());
    EXPECT_LT(max_diff(lp, reference), 0.25);
    EXPECT_LT((lp - reference).abs().mean().item<double>(), 0.05);
  }
  model_->to(torch::kBFloat16);
  auto encoded = model_->encode(src);
  auto cache = model_->initial_cache(encoded);
  for (int64_t t = 0; t < 6; ++t) {
    auto lp = model_->step(tgt.select(1, t), encoded, cache);
    ASSERT_EQ(lp.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::isfinite(lp).all().item<bool>());
    EXPECT_LT(max_diff(lp, reference.select(1, t)), 0.5) << "position " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, Seq2SeqVariants, ::testing::ValuesIn(variants()),
                         [](const auto& info) { return info.param.name; });

// Beam search's K hypotheses of a sentence read one copy of its cross-attention keys/values.
TEST(TransformerCache, RowsOfOneSourceShareItsStaticState) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(5);
  auto model = make_model(tiny_config(), kTinyVocab, kTinyVocab);
  model->eval();
  auto encoded = model->encode(padded_sources());
  auto cache = model->initial_cache(encoded);
  const std::string keys = std::string(DecoderCache::kStaticPrefix) + "decoder.0.cross_keys";
  const void* storage = cache.tensors.at(keys).data_ptr();
  model->reorder(cache, encoded, torch::arange(3, torch::kLong).repeat_interleave(4));  // K = 4
  EXPECT_EQ(cache.group, 4);
  EXPECT_EQ(cache.tensors.at(keys).size(0), 3);
  EXPECT_EQ(cache.tensors.at(keys).data_ptr(), storage) << "expanding to the beam copied the keys";
  EXPECT_EQ(encoded.memory.size(0), 3);
  auto last = torch::full({12}, kBosId, torch::kLong);
  EXPECT_EQ(model->step(last, encoded, cache).sizes(), (std::vector<int64_t>{12, kTinyVocab}));
  // Hypotheses move within their sentence: nothing static is touched.
  model->reorder(cache, encoded,
                 torch::tensor({3, 3, 0, 1, 4, 5, 6, 7, 11, 8, 8, 8}, torch::kLong));
  EXPECT_EQ(cache.tensors.at(keys).data_ptr(), storage);
  // The first sentence finishes: the other two keep their one row each.
  model->reorder(cache, encoded, torch::arange(4, 12, torch::kLong));
  EXPECT_EQ(cache.group, 4);
  EXPECT_EQ(cache.tensors.at(keys).size(0), 2);
  EXPECT_EQ(model->step(last.narrow(0, 0, 8), encoded, cache).size(0), 8);
}
