// Dynamic batching: a sentence's translation does not depend on which requests shared its
// batch, requests keep their order, the queue is bounded, and stop() answers what was queued.
#include <gtest/gtest.h>

#include <thread>

#include "nmt/decoding/line_translator.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/serving/batching_translator.h"
#include "support/synthetic_corpus.h"
#include "support/tiny_model_dir.h"

using nmt::serving::BatchingOptions;
using nmt::serving::BatchingTranslator;
using nmt::serving::TranslationRequest;

namespace {

class Batching : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    torch::set_num_threads(1);
    dir_ = new nmt::test::TempDir;
    nmt::test::make_tiny_model_dir(dir_->path);
    model_ = new nmt::DecodingModel(nmt::load_decoding_model(dir_->path));
    for (const auto& [s, t] : nmt::test::synthetic_pairs(24, 12, 5)) lines_.push_back(s);
    lines_[3] = "";
    // What nmt translate gives each line: the whole list through one LineTranslator.
    nmt::Translator translator(model_->model, nmt::TranslatorOptions::from_config(decode()),
                               torch::kCPU);
    nmt::LineTranslator lt(translator, model_->source, model_->target);
    for (const auto& t : lt.translate(lines_)) expected_.push_back(t.texts.at(0));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete dir_;
  }
  static nmt::DecodeConfig decode() { return model_->config.decode; }
  static TranslationRequest request(std::vector<std::string> lines) {
    TranslationRequest r;
    r.lines = std::move(lines);
    r.decode = decode();
    return r;
  }

  static nmt::test::TempDir* dir_;
  static nmt::DecodingModel* model_;
  static std::vector<std::string> lines_, expected_;
};
nmt::test::TempDir* Batching::dir_ = nullptr;
nmt::DecodingModel* Batching::model_ = nullptr;
std::vector<std::string> Batching::lines_, Batching::expected_;

}  // namespace

TEST_F(Batching, SentencesAloneOrMixedConcurrentlyGiveTheSameTranslation) {
  {  // Alone: one request per sentence, one at a time, no waiting.
    BatchingOptions o;
    o.max_delay_ms = 0;
    BatchingTranslator b(*model_, torch::kCPU, o);
    for (size_t i = 0; i < lines_.size(); ++i) {
      const auto reply = b.submit(request({lines_[i]})).get();
      ASSERT_EQ(reply.lines.size(), 1u);
      EXPECT_EQ(reply.lines[0].texts.at(0), expected_[i]) << "line " << i;
    }
  }
  // Mixed: 8 clients at once, each sending every 8th line; the first request waits up to 2 s
  // for the others to join its batch.
  nmt::serving::ServeMetrics metrics;
  BatchingOptions o;
  o.max_delay_ms = 2000;
  BatchingTranslator b(*model_, torch::kCPU, o, &metrics);
  std::vector<std::thread> clients;
  std::vector<std::vector<std::string>> got(8);
  for (size_t c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      std::vector<std::string> mine;
      for (size_t i = c; i < lines_.size(); i += 8) mine.push_back(lines_[i]);
      const auto reply = b.submit(request(mine)).get();
      for (const auto& l : reply.lines) got[c].push_back(l.texts.at(0));
    });
  }
  for (auto& t : clients) t.join();
  for (size_t c = 0; c < 8; ++c) {
    size_t k = 0;
    for (size_t i = c; i < lines_.size(); i += 8, ++k) {
      ASSERT_LT(k, got[c].size());
      EXPECT_EQ(got[c][k], expected_[i]) << "client " << c << " line " << i;
    }
  }
  EXPECT_EQ(metrics.sentences(), static_cast<int64_t>(lines_.size()));
  EXPECT_LT(metrics.batches(), 8) << "the concurrent requests were not batched together";
}

TEST_F(Batching, DifferentSearchesAreNotMixed) {
  BatchingOptions o;
  o.max_delay_ms = 100;
  BatchingTranslator b(*model_, torch::kCPU, o);
  TranslationRequest greedy = request({lines_[0], lines_[1]});
  greedy.decode.beam = 1;
  greedy.decode.nbest = 1;
  auto f1 = b.submit(greedy);
  auto f2 = b.submit(request({lines_[0], lines_[1]}));
  const auto g = f1.get(), beam = f2.get();
  EXPECT_EQ(beam.lines[0].texts.at(0), expected_[0]);
  EXPECT_EQ(beam.lines[1].texts.at(0), expected_[1]);
  // Greedy is what a beam-1 translator gives.
  nmt::DecodeConfig d = decode();
  d.beam = 1;
  d.nbest = 1;
  nmt::Translator t(model_->model, nmt::TranslatorOptions::from_config(d), torch::kCPU);
  nmt::LineTranslator lt(t, model_->source, model_->target);
  const auto ref = lt.translate({lines_[0], lines_[1]});
  EXPECT_EQ(g.lines[0].texts.at(0), ref[0].texts.at(0));
  EXPECT_EQ(g.lines[1].texts.at(0), ref[1].texts.at(0));
}

TEST_F(Batching, AFullQueueRefusesAndStopAnswersWhatWasQueued) {
  BatchingOptions o;
  o.max_delay_ms = 5000;  // the first request waits for company...
  o.max_queue_sentences = 3;
  BatchingTranslator b(*model_, torch::kCPU, o);
  auto first = b.submit(request({lines_[0], lines_[1]}));
  EXPECT_THROW(b.submit(request({lines_[2], lines_[4]})), nmt::serving::QueueFull);
  EXPECT_EQ(b.queue_sentences(), 2);
  const auto t0 = std::chrono::steady_clock::now();
  b.stop();  // ...until stop() cuts the wait: queued work is answered, not dropped
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
  const auto reply = first.get();
  EXPECT_EQ(reply.lines[0].texts.at(0), expected_[0]);
  EXPECT_EQ(reply.lines[1].texts.at(0), expected_[1]);
  EXPECT_THROW(b.submit(request({lines_[0]})), nmt::serving::QueueFull);
}

TEST_F(Batching, InvalidUtf8NamesTheLineAndLongLinesAreCroppedWithAWarning) {
  BatchingTranslator b(*model_, torch::kCPU, BatchingOptions{});
  try {
    b.submit(request({"fine", "bad \xc3("}));
    FAIL() << "no BadLine";
  } catch (const nmt::serving::BadLine& e) {
    EXPECT_EQ(e.line, 1u);
    EXPECT_STREQ(e.what(), "q[1]: invalid UTF-8 at byte 5");
  }
  std::string long_line;
  for (int i = 0; i < 200; ++i) long_line += "word ";
  const auto reply = b.submit(request({long_line, lines_[0]})).get();
  ASSERT_EQ(reply.warnings.size(), 1u);
  EXPECT_EQ(reply.warnings[0].rfind("q[0]: ", 0), 0u) << reply.warnings[0];
  EXPECT_NE(reply.warnings[0].find("limit of 63"), std::string::npos) << reply.warnings[0];
  EXPECT_FALSE(reply.lines[0].texts.at(0).empty());
  EXPECT_EQ(reply.lines[1].texts.at(0), expected_[0]);
}
