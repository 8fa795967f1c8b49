// Attention figures cut from a real (tiny, untrained) transformer and from a model without
// self-attention.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "nmt/model/positional_encoding.h"
#include "nmt/model/seq2seq.h"
#include "nmt/report/attention_extraction.h"
#include "support/tiny_config.h"
#include "nmt/report/positional_table.h"
#include "nmt/util/error.h"

using namespace nmt::report;

namespace {

nmt::ModelConfig tiny_config() {
  nmt::ModelConfig c = nmt::test::tiny_model_shape();
  c.d_model = 16;
  c.ff = 32;
  c.decoder_layers = 3;
  return c;
}

const std::vector<int64_t> kSrc = {5, 6, 7};
const std::vector<int64_t> kTgt = {8, 9, 10, 11};
const std::vector<std::string> kSrcPieces = {
    "\xE2\x96\x81"
    "a",
    "\xE2\x96\x81<", "b"};
const std::vector<std::string> kTgtPieces = {
    "\xE2\x96\x81"
    "x",
    "y", "\xE2\x96\x81&", "z"};

void expect_rows_are_distributions(const Matrix& m) {
  for (int64_t r = 0; r < m.rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < m.cols; ++c) {
      EXPECT_GE(m.at(r, c), 0.0f);
      sum += m.at(r, c);
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r;
  }
}

// A model with cross-attention only (like the rnn): one layer, one head, uniform weights.
class CrossOnlyModel : public nmt::Seq2SeqImpl {
 public:
  CrossOnlyModel() : Seq2SeqImpl(rnn_config(), 20, 20) {}
  static nmt::ModelConfig rnn_config() {
    nmt::ModelConfig c;
    c.arch = "rnn";
    return c;
  }
  torch::Tensor forward(const torch::Tensor&, const torch::Tensor&) override { return {}; }
  nmt::EncoderOutput encode(const torch::Tensor&) override { return {}; }
  nmt::DecoderCache initial_cache(const nmt::EncoderOutput&) override { return {}; }
  torch::Tensor step(const torch::Tensor&, const nmt::EncoderOutput&, nmt::DecoderCache&) override {
    return {};
  }
  nmt::AttentionMaps attention_maps(const torch::Tensor& src,
                                    const torch::Tensor& tgt_in) override {
    nmt::AttentionMaps maps;
    maps.cross.push_back(
        torch::full({1, 1, tgt_in.size(1), src.size(1)}, 1.0 / static_cast<double>(src.size(1))));
    return maps;
  }
};

}  // namespace

TEST(AttentionExtraction, CrossAttentionOfTheLastLayerAveragedOverHeads) {
  torch::manual_seed(1);
  auto model = nmt::make_model(tiny_config(), 20, 20);
  const auto figures =
      attention_figures(*model, kSrc, kTgt, kSrcPieces, kTgtPieces, AttentionRequest{});
  ASSERT_EQ(figures.size(), 1u);
  const AttentionFigure& f = figures[0];
  EXPECT_EQ(f.title, "cross-attention \u00b7 layer 3/3 \u00b7 mean of 4 heads");
  EXPECT_EQ(f.weights.rows, 5);  // 4 pieces + </s>
  EXPECT_EQ(f.weights.cols, 4);  // 3 pieces + </s>
  EXPECT_EQ(f.row_labels.back(), "</s>");
  EXPECT_EQ(f.col_labels, (std::vector<std::string>{"\xE2\x96\x81"
                                                    "a",
                                                    "\xE2\x96\x81<", "b", "</s>"}));
  expect_rows_are_distributions(f.weights);
  EXPECT_TRUE(model->is_training());  // the training flag is restored
}

TEST(AttentionExtraction, MeanFigureIsTheAverageOfTheHeadFigures) {
  torch::manual_seed(2);
  auto model = nmt::make_model(tiny_config(), 20, 20);
  AttentionRequest req;
  req.layer = 2;
  req.all_heads = true;
  const auto figures = attention_figures(*model, kSrc, kTgt, kSrcPieces, kTgtPieces, req);
  ASSERT_EQ(figures.size(), 5u);  // mean + 4 heads
  EXPECT_EQ(figures[1].title, "cross-attention \u00b7 layer 2/3 \u00b7 head 1/4");
  for (int64_t r = 0; r < figures[0].weights.rows; ++r)
    for (int64_t c = 0; c < figures[0].weights.cols; ++c) {
      float sum = 0;
      for (int h = 1; h <= 4; ++h) sum += figures[h].weights.at(r, c);
      EXPECT_NEAR(figures[0].weights.at(r, c), sum / 4, 1e-6);
    }
  for (const auto& f : figures) expect_rows_are_distributions(f.weights);
}

TEST(AttentionExtraction, SelfAttentionMapsAreCausalOnTheDecoderSide) {
  torch::manual_seed(3);
  auto model = nmt::make_model(tiny_config(), 20, 20);
  AttentionRequest req;
  req.self_attention = true;
  req.head = 2;
  const auto figures = attention_figures(*model, kSrc, kTgt, kSrcPieces, kTgtPieces, req);
  ASSERT_EQ(figures.size(), 3u);
  EXPECT_EQ(figures[1].title, "encoder self-attention \u00b7 layer 2/2 \u00b7 head 2/4");
  EXPECT_EQ(figures[1].weights.rows, 4);
  EXPECT_EQ(figures[1].weights.cols, 4);
  const AttentionFigure& dec = figures[2];
  EXPECT_EQ(dec.row_labels.front(), "<s>");
  ASSERT_EQ(dec.weights.rows, 5);
  for (int64_t r = 0; r < dec.weights.rows; ++r)
    for (int64_t c = r + 1; c < dec.weights.cols; ++c)
      EXPECT_EQ(dec.weights.at(r, c), 0.0f) << r << "," << c;
  for (const auto& f : figures) expect_rows_are_distributions(f.weights);
}

TEST(AttentionExtraction, RejectsLayersAndHeadsTheModelLacks) {
  auto model = nmt::make_model(tiny_config(), 20, 20);
  AttentionRequest req;
  req.layer = 4;
  try {
    attention_figures(*model, kSrc, kTgt, kSrcPieces, kTgtPieces, req);
    FAIL() << "no ConfigError";
  } catch (const nmt::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--layer 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 layers"), std::string::npos) << e.what();
  }
  req.layer = 0;
  req.head = 5;
  EXPECT_THROW(attention_figures(*model, kSrc, kTgt, kSrcPieces, kTgtPieces, req),
               nmt::ConfigError);
}

TEST(AttentionExtraction, ModelWithoutSelfAttentionGetsANote) {
  CrossOnlyModel model;
  AttentionRequest req;
  req.self_attention = true;
  req.all_heads = true;
  std::vector<std::string> notes;
  const auto figures = attention_figures(model, kSrc, kTgt, kSrcPieces, kTgtPieces, req, &notes);
  ASSERT_EQ(figures.size(), 1u);  // one head: no per-head copies
  EXPECT_EQ(figures[0].title, "cross-attention \u00b7 layer 1/1 \u00b7 1 head");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("rnn model: no self-attention"), std::string::npos);
}

TEST(PositionalTable, EqualsTheModelsSinusoids) {
  const torch::Tensor model_table =
      nmt::PositionalEncodingImpl::sinusoids(0, 40, 32, 10000.0);  // [40, 32]
  const Matrix ours = sinusoidal_table(40, 32, 10000.0);
  const Matrix theirs = to_matrix(model_table);
  ASSERT_EQ(theirs.rows, 40);
  ASSERT_EQ(theirs.cols, 32);
  for (size_t i = 0; i < ours.values.size(); ++i)
    EXPECT_NEAR(ours.values[i], theirs.values[i], 1e-5) << i;
}
