// Tokenizer: loading checks, reserved ids, exact round trips, reproducible sampling.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>

#include "nmt/config/special_ids.h"
#include "nmt/text/tokenizer.h"
#include "nmt/text/vocab_trainer.h"
#include "nmt/util/error.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace {

using nmt::Tokenizer;

std::vector<std::string> both_sides(int n) {
  std::vector<std::string> lines;
  for (const auto& [src, tgt] : nmt::test::synthetic_pairs(n)) {
    lines.push_back(src);
    lines.push_back(tgt);
  }
  return lines;
}

// One small unigram model shared by the suite (training takes ~0.2 s).
class TokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new nmt::test::TempDir;
    nmt::VocabOptions options;
    options.prefix = *dir_ / "spm";
    options.vocab_size = 120;
    options.threads = 1;
    nmt::VectorSentenceSource source(both_sides(500));
    nmt::train_vocab(options, source);
    tok_ = new Tokenizer(*dir_ / "spm.model");
  }
  static void TearDownTestSuite() {
    delete tok_;
    delete dir_;
  }
  static nmt::test::TempDir* dir_;
  static Tokenizer* tok_;
};
nmt::test::TempDir* TokenizerTest::dir_ = nullptr;
Tokenizer* TokenizerTest::tok_ = nullptr;

TEST_F(TokenizerTest, TrainedModelHasReservedIdsAndRequestedSize) {
  EXPECT_EQ(tok_->vocab_size(), 120);
  EXPECT_EQ(tok_->id_to_piece(nmt::kPadId), "<pad>");
  EXPECT_EQ(tok_->id_to_piece(nmt::kUnkId), "<unk>");
  EXPECT_EQ(tok_->id_to_piece(nmt::kBosId), "<s>");
  EXPECT_EQ(tok_->id_to_piece(nmt::kEosId), "</s>");
  EXPECT_EQ(tok_->piece_to_id("</s>"), nmt::kEosId);
  EXPECT_EQ(tok_->piece_to_id("no-such-piece"), nmt::kUnkId);
  std::ifstream vocab(*dir_ / "spm.vocab");
  EXPECT_TRUE(vocab.good()) << "PREFIX.vocab not written";
}

TEST_F(TokenizerTest, DecodeOfEncodeIsExact) {
  auto lines = both_sides(200);
  lines.push_back("ein Mädchen läuft über die Straße .");
  for (const auto& line : lines) {
    const auto ids = tok_->encode(line);
    ASSERT_FALSE(ids.empty());
    for (int32_t id : ids) EXPECT_GT(id, nmt::kEosId) << "special id produced for: " << line;
    EXPECT_EQ(tok_->decode(ids), line);
  }
}

TEST_F(TokenizerTest, IdsAndPiecesAgree) {
  const std::string text = "the big dog runs over green grass .";
  const auto ids = tok_->encode(text);
  const auto pieces = tok_->encode_pieces(text);
  ASSERT_EQ(ids.size(), pieces.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(tok_->id_to_piece(ids[i]), pieces[i]);
    EXPECT_EQ(tok_->piece_to_id(pieces[i]), ids[i]);
  }
}

TEST_F(TokenizerTest, ControlIdsDecodeToNothingAndInt64Works) {
  std::vector<int64_t> ids = {nmt::kBosId};
  for (int32_t id : tok_->encode("a dog .")) ids.push_back(id);
  ids.push_back(nmt::kEosId);
  ids.push_back(nmt::kPadId);
  EXPECT_EQ(tok_->decode(ids), "a dog .");
}

TEST_F(TokenizerTest, UnknownCharactersBecomeUnk) {
  const auto ids = tok_->encode("dog 狗");
  EXPECT_NE(std::find(ids.begin(), ids.end(), nmt::kUnkId), ids.end());
}

TEST_F(TokenizerTest, DecodeRejectsIdsOutsideTheVocabulary) {
  EXPECT_THROW(tok_->decode(std::vector<int32_t>{5, 120}), std::out_of_range);
  EXPECT_THROW(tok_->decode(std::vector<int64_t>{-1}), std::out_of_range);
  EXPECT_THROW(tok_->id_to_piece(1000), std::out_of_range);
}

TEST_F(TokenizerTest, SamplingIsReproducibleFromTheSeedAndDecodesExactly) {
  const auto lines = both_sides(50);
  std::vector<std::string_view> views(lines.begin(), lines.end());
  const auto a = tok_->sample_encode_all(views, 0.1, 42);
  tok_->sample_encode("draw from this thread's generator in between", 0.1);
  const auto b = tok_->sample_encode_all(views, 0.1, 42);
  const auto c = tok_->sample_encode_all(views, 0.1, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  int differs_from_best = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(tok_->decode(a[i]), lines[i]);
    differs_from_best += a[i] != tok_->encode(lines[i]);
  }
  EXPECT_GT(differs_from_best, 0) << "alpha 0.1 should sample segmentations other than the best";
}

TEST_F(TokenizerTest, FromBytesMatchesTheFile) {
  const Tokenizer copy = Tokenizer::from_bytes(tok_->bytes(), "checkpoint");
  EXPECT_EQ(copy.path(), "checkpoint");
  EXPECT_EQ(copy.encode("two girls are walking ."), tok_->encode("two girls are walking ."));
}

TEST(Tokenizer, MissingModelIsADataErrorNamingTheFile) {
  try {
    Tokenizer t("/nonexistent/spm.model");
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/spm.model"), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, GarbageModelIsADataErrorNamingTheFile) {
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "bad.model", "this is not a protobuf");
  try {
    Tokenizer t(dir / "bad.model");
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.model"), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, ModelWithOtherSpecialIdsIsRejected) {
  // SentencePiece's own defaults (unk=0 bos=1 eos=2, no pad), made with its command-line trainer.
  if (std::system("command -v spm_train > /dev/null") != 0)
    GTEST_SKIP() << "spm_train not installed";
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "text", nmt::test::join_lines(both_sides(300)));
  const std::string cmd = "spm_train --input=" + (dir / "text") +
                          " --model_prefix=" + (dir / "default") +
                          " --vocab_size=100 --minloglevel=2 > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  try {
    Tokenizer t(dir / "default.model");
    FAIL() << "no exception";
  } catch (const nmt::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("default.model"), std::string::npos) << what;
    EXPECT_NE(what.find("pad=0 unk=1 bos=2 eos=3"), std::string::npos) << what;
  }
}

}  // namespace
