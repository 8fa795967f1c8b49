// The pipeline on real data: Multi30k en-de train (NMT_SHARED_DATA/multi30k), with the default
// budget (4096) and an 8000-piece unigram model trained here. Skipped when the data is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "corpus_fixture.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/corpus/vocab_inputs.h"

namespace {

using namespace nmt::test;

const std::string kData = std::string(NMT_SHARED_DATA) + "/multi30k";

class Multi30k : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kData + "/train.en.gz")) return;
    dir_ = new TempDir;
    nmt::VocabInputs inputs;
    inputs.files = {kData + "/train.en.gz", kData + "/train.de.gz"};
    inputs.sample = 100000;
    nmt::VocabOptions options;
    options.prefix = *dir_ / "spm";
    options.vocab_size = 8000;
    nmt::train_vocab_on_files(inputs, options);
    tokenizer_ = new std::shared_ptr<const nmt::Tokenizer>(
        std::make_shared<nmt::Tokenizer>(*dir_ / "spm.model"));
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete dir_;
  }
  void SetUp() override {
    if (!tokenizer_) GTEST_SKIP() << kData << "/train.en.gz not found";
  }
  static TempDir* dir_;
  static std::shared_ptr<const nmt::Tokenizer>* tokenizer_;
};
TempDir* Multi30k::dir_ = nullptr;
std::shared_ptr<const nmt::Tokenizer>* Multi30k::tokenizer_ = nullptr;

TEST_F(Multi30k, DefaultBudgetPadsLessThanTenPercent) {
  const auto options = nmt::training_batcher_options(nmt::DataConfig(), /*seed=*/1234);
  ASSERT_EQ(options.batch_tokens, 4096);
  nmt::TokenBatcher batcher(kData + "/train.en.gz", kData + "/train.de.gz", *tokenizer_,
                            *tokenizer_, options);
  EXPECT_TRUE(batcher.in_memory());
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.pairs_read, 29000);
  EXPECT_GT(stats.pairs_kept, 28900) << stats.summary();
  const auto batches = drain(batcher);
  int64_t rows = 0;
  for (const auto& b : batches) {
    EXPECT_LE(b.size() * std::max(b.src.size(1), b.tgt_in.size(1)), 4096);
    rows += b.size();
  }
  EXPECT_EQ(rows, stats.pairs_kept);
  EXPECT_EQ(id_counts(batches).size(), static_cast<size_t>(stats.pairs_kept));
  const double efficiency = batcher.padding().efficiency();
  RecordProperty("padding_efficiency", std::to_string(efficiency));
  EXPECT_GE(efficiency, 0.9) << batches.size() << " batches";
}

// The small synthetic model is enough here (unknown pieces do not matter), and saves ctest, which
// runs every test in its own process, a second 8000-piece training.
TEST(Multi30kValid, ValidationSetKeepsEveryLine) {
  if (!std::filesystem::exists(kData + "/val.en.gz"))
    GTEST_SKIP() << kData << "/val.en.gz not found";
  nmt::TokenBatcher valid(kData + "/val.en.gz", kData + "/val.de.gz", shared_tokenizer(),
                          shared_tokenizer(), fixed_order_options());
  const auto counts = id_counts(drain(valid));
  EXPECT_EQ(counts.size(), 1014u);
  EXPECT_EQ(counts.begin()->first, 0);
  EXPECT_EQ(counts.rbegin()->first, 1013);
}

}  // namespace
