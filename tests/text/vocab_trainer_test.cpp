// train_vocab: model types, quiet trainer, and the errors a user can cause.
#include <gtest/gtest.h>

#include "nmt/text/tokenizer.h"
#include "nmt/text/vocab_trainer.h"
#include "nmt/util/error.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace {

// Both sides of n synthetic pairs, source then target, as vocabulary training text.
nmt::VectorSentenceSource synthetic_lines(int n) {
  std::vector<std::string> lines;
  for (const auto& [src, tgt] : nmt::test::synthetic_pairs(n)) {
    lines.push_back(src);
    lines.push_back(tgt);
  }
  return nmt::VectorSentenceSource(std::move(lines));
}

nmt::VocabOptions small_options(const std::string& prefix) {
  nmt::VocabOptions o;
  o.prefix = prefix;
  o.vocab_size = 100;
  o.threads = 1;
  return o;
}

TEST(VocabTrainer, BpeModelRoundTripsAndKeepsReservedIds) {
  nmt::test::TempDir dir;
  auto options = small_options(dir / "bpe");
  options.type = "bpe";
  auto source = synthetic_lines(300);
  nmt::train_vocab(options, source);
  const nmt::Tokenizer tok(dir / "bpe.model");
  EXPECT_EQ(tok.vocab_size(), 100);
  EXPECT_EQ(tok.id_to_piece(0), "<pad>");
  EXPECT_EQ(tok.decode(tok.encode("the boy jumps into the pool .")),
            "the boy jumps into the pool .");
}

TEST(VocabTrainer, SentencePieceLogIsQuietUnlessVerbose) {
  nmt::test::TempDir dir;
  auto quiet_source = synthetic_lines(200);
  testing::internal::CaptureStderr();
  nmt::train_vocab(small_options(dir / "quiet"), quiet_source);
  const std::string quiet = testing::internal::GetCapturedStderr();
  EXPECT_EQ(quiet.find("trainer_interface"), std::string::npos) << quiet;

  auto options = small_options(dir / "loud");
  options.verbose = true;
  auto loud_source = synthetic_lines(200);
  testing::internal::CaptureStderr();
  nmt::train_vocab(options, loud_source);
  const std::string loud = testing::internal::GetCapturedStderr();
  EXPECT_NE(loud.find("trainer_interface"), std::string::npos) << loud;
}

TEST(VocabTrainer, VocabularyLargerThanTheTextAllowsIsADataError) {
  nmt::test::TempDir dir;
  auto options = small_options(dir / "big");
  options.vocab_size = 50000;
  auto source = synthetic_lines(50);
  try {
    nmt::train_vocab(options, source);
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("big.model"), std::string::npos) << e.what();
  }
}

TEST(VocabTrainer, MissingOutputDirectoryIsNamed) {
  auto source = synthetic_lines(50);
  try {
    nmt::train_vocab(small_options("/nonexistent-dir/spm"), source);
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir"), std::string::npos) << e.what();
  }
}

TEST(VocabTrainer, BadTypeIsAConfigError) {
  nmt::test::TempDir dir;
  auto options = small_options(dir / "x");
  options.type = "word-salad";
  auto source = synthetic_lines(50);
  EXPECT_THROW(nmt::train_vocab(options, source), nmt::ConfigError);
}

}  // namespace
