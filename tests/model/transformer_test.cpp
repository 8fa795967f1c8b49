#include <gtest/gtest.h>

#include <string>

#include "model_test_util.h"
#include "nmt/model/seq2seq.h"
#include "nmt/util/error.h"

using namespace nmt;
using namespace nmt::test;

TEST(Transformer, SharedEmbeddingsNeedEqualVocabularies) {
  auto c = tiny_config();
  c.share_embeddings = true;
  for (const std::string arch : {"transformer", "rnn"}) {
    c.arch = arch;
    try {
      make_model(c, 30, 20);
      FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("share_embeddings"), std::string::npos) << e.what();
    }
  }
}

TEST(Transformer, BadShapesAreConfigErrors) {
  auto c = tiny_config();
  c.heads = 5;
  EXPECT_THROW(make_model(c, 30, 30), ConfigError);
  c = tiny_config("rnn");
  c.d_model = 31;
  EXPECT_THROW(make_model(c, 30, 30), ConfigError);
  c = tiny_config();
  c.arch = "lstm";
  EXPECT_THROW(make_model(c, 30, 30), ConfigError);
}

TEST(Transformer, SharedAndTiedEmbeddingsAreOneTensor) {
  auto c = tiny_config();
  auto shared = make_model(c, 30, 30);
  c.share_embeddings = false;
  c.tie_embeddings = false;
  auto separate = make_model(c, 30, 30);
  // Separate: another [30, 32] target table and a [30, 32] output projection.
  EXPECT_EQ(separate->parameter_count() - shared->parameter_count(), 2 * 30 * 32);
  int64_t embeddings = 0;
  for (const auto& p : shared->named_parameters())
    if (p.key().find("embed") != std::string::npos) ++embeddings;
  EXPECT_EQ(embeddings, 1);
}

TEST(Transformer, ParameterSummaryNamesTheGroups) {
  auto model = make_model(tiny_config(), 30, 30);
  const auto summary = model->parameter_summary();
  EXPECT_EQ(summary.rfind("transformer: ", 0), 0u) << summary;
  for (const char* part : {"embeddings", "encoder", "decoder"})
    EXPECT_NE(summary.find(part), std::string::npos) << summary;
  // d 32, ff 64, vocab 30, 2+2 layers, shared and tied: embedding 30*32 = 960;
  // encoder layer: in_proj 32*96+96, out_proj 32*32+32, fc1 32*64+64, fc2 64*32+32, 2 norms 2*64 =
  // 8544; decoder layer: 2 attentions 2*4224, feed-forward 4192, 3 norms 192 = 12832; final norms
  // 64 each.
  EXPECT_EQ(model->parameter_count(), 960 + (2 * 8544 + 64) + (2 * 12832 + 64));
}

TEST(Transformer, PaddingRowOfTheEmbeddingGetsNoGradient) {
  // Untied: a tied table also serves as the output projection, whose pad row does get gradients.
  auto c = tiny_config();
  c.tie_embeddings = false;
  auto model = make_model(c, kTinyVocab, kTinyVocab);
  auto src = padded_sources();
  model->forward(src, target_inputs(3, 4)).sum().backward();
  auto grad = model->named_parameters()["src_embed.weight"].grad();
  EXPECT_EQ(grad[kPadId].abs().sum().item<double>(), 0.0);
  EXPECT_GT(grad.abs().sum().item<double>(), 0.0);
}
