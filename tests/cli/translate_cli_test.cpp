// `nmt translate`, `nmt score` and `nmt eval` end to end: the real binary on a tiny model
// directory built by the test (random weights: the translations are nonsense, but order, line
// counts, formats and the agreement between translate and score are properties of any model).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "support/run_command.h"
#include "support/synthetic_corpus.h"
#include "support/tiny_model_dir.h"

using nmt::test::run_nmt;
using nmt::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class TranslateCli : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    nmt::test::make_tiny_model_dir(dir_->path);
    for (const auto& [s, t] : nmt::test::synthetic_pairs(40, 12, 3)) {
      src_.push_back(s);
      tgt_.push_back(t);
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string model() { return "-m " + dir_->path + " --threads 1 "; }
  static std::string input() { return nmt::test::join_lines(src_); }

  static TempDir* dir_;
  static std::vector<std::string> src_, tgt_;
};
TempDir* TranslateCli::dir_ = nullptr;
std::vector<std::string> TranslateCli::src_, TranslateCli::tgt_;

}  // namespace

TEST_F(TranslateCli, PipesOneLinePerInputLineInOrderIncludingEmptyLines) {
  std::vector<std::string> in = {src_[0], "", src_[1], src_[2], "", src_[3]};
  std::string text;
  for (const auto& l : in) text += l + "\n";
  const auto all = run_nmt("translate " + model() + "--batch-tokens 16", text);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto out = lines_of(all.out);
  ASSERT_EQ(out.size(), in.size()) << all.out;
  EXPECT_EQ(out[1], "");
  EXPECT_EQ(out[4], "");
  // Order: each line translated alone gives the same output as in the batch.
  for (size_t i : {0, 3, 5}) {
    const auto one = run_nmt("translate " + model(), in[i] + "\n");
    EXPECT_EQ(lines_of(one.out), std::vector<std::string>{out[i]}) << i;
  }
  EXPECT_NE(all.err.find("sentences/s"), std::string::npos) << all.err;  // throughput summary
  // A last line without '\n' still counts.
  const auto no_newline = run_nmt("translate " + model(), src_[0] + "\n" + src_[1]);
  EXPECT_EQ(lines_of(no_newline.out).size(), 2u);
}

TEST_F(TranslateCli, FilesInAndOutAndBatchSizeDoesNotChangeTheOutput) {
  TempDir d;
  nmt::test::write_file(d / "in.txt", input());
  const auto a = run_nmt("translate " + model() + "-i " + d / "in.txt" + " -o " +
                         d / "a.txt --batch-tokens 10");
  const auto b = run_nmt("translate " + model() + "-i " + d / "in.txt" + " -o " +
                         d / "b.txt --batch-tokens 100000");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, "");
  const std::string out_a = nmt::test::read_file(d / "a.txt");
  EXPECT_EQ(lines_of(out_a).size(), src_.size());
  EXPECT_EQ(out_a, nmt::test::read_file(d / "b.txt"));
}

TEST_F(TranslateCli, NBestFormat) {
  const auto r = run_nmt("translate " + model() + "--beam 4 --nbest 3 --format nbest",
                         src_[0] + "\n" + src_[1] + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 6u) << r.out;
  double previous = 0;
  for (size_t n = 0; n < out.size(); ++n) {
    const size_t a = out[n].find(" ||| "), b = out[n].rfind(" ||| ");
    ASSERT_NE(a, b) << out[n];
    EXPECT_EQ(out[n].substr(0, a), n < 3 ? "0" : "1");
    const double score = std::stod(out[n].substr(b + 5));
    if (n % 3) {
      EXPECT_LE(score, previous + 1e-9) << out[n];  // best first
    }
    previous = score;
  }
}

TEST_F(TranslateCli, JsonlCarriesTokensScoresAndAlignments) {
  TempDir d;
  std::vector<std::string> src(src_.begin(), src_.begin() + 6);
  nmt::test::write_file(d / "src.txt", nmt::test::join_lines(src));
  const auto r = run_nmt("translate " + model() + "--format jsonl --alignment -i " + d / "src.txt");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), src.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto j = nlohmann::json::parse(out[i]);
    EXPECT_EQ(j["line"], i + 1);
    const auto& h = j["hypotheses"][0];
    EXPECT_EQ(j["translation"], h["translation"]);
    ASSERT_EQ(h["tokens"].size(), h["ids"].size());
    ASSERT_EQ(h["tokens"].size(), h["token_log_probs"].size());
    EXPECT_EQ(h["ids"].back(), 3);  // EOS
    ASSERT_EQ(h["alignment"].size(), h["tokens"].size());
    EXPECT_EQ(h["alignment"][0].size(), j["source_tokens"].size());
    double row = 0;
    for (double w : h["alignment"][0]) row += w;
    EXPECT_NEAR(row, 1.0, 1e-2);
  }
  // That `nmt score` of this output reproduces log_prob is tested on a trained model
  // (TrainedModelCli): a random model's pieces seldom survive detokenizing and re-tokenizing.
}

TEST_F(TranslateCli, ScoreNormalizesAndChecksLineCounts) {
  TempDir d;
  nmt::test::write_file(d / "src.txt", src_[0] + "\n" + src_[1] + "\n");
  nmt::test::write_file(d / "tgt.txt", tgt_[0] + "\n" + tgt_[1] + "\n");
  const auto sum =
      run_nmt("score " + model() + "--src " + d / "src.txt" + " --tgt " + d / "tgt.txt");
  const auto avg = run_nmt("score " + model() + "--normalize --format jsonl --src " +
                           d / "src.txt" + " --tgt " + d / "tgt.txt");
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  ASSERT_EQ(avg.exit_code, 0) << avg.err;
  const auto sums = lines_of(sum.out), avgs = lines_of(avg.out);
  ASSERT_EQ(sums.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto j = nlohmann::json::parse(avgs[i]);
    EXPECT_LT(std::stod(sums[i]), 0.0);
    EXPECT_NEAR(j["score"].get<double>() * j["tokens"].get<double>(), std::stod(sums[i]), 1e-4);
  }
  nmt::test::write_file(d / "short.txt", tgt_[0] + "\n");
  const auto bad =
      run_nmt("score " + model() + "--src " + d / "src.txt" + " --tgt " + d / "short.txt");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("line counts differ"), std::string::npos) << bad.err;
}

TEST_F(TranslateCli, InvalidUtf8NamesTheLineOrIsSkipped) {
  const std::string in = src_[0] + "\nbad \xff\n" + src_[1] + "\n";
  const auto err = run_nmt("translate " + model(), in);
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_NE(
      err.err.find(
          "error: stdin:2: invalid UTF-8 at byte 5 (use --invalid-utf8 skip to skip such lines)"),
      std::string::npos)
      << err.err;
  const auto skip = run_nmt("translate " + model() + "--invalid-utf8 skip", in);
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  const auto out = lines_of(skip.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1], "");
  EXPECT_NE(skip.err.find("stdin:2: invalid UTF-8 at byte 5; skipped (empty output line)"),
            std::string::npos)
      << skip.err;
}

TEST_F(TranslateCli, SamplingIsSeededAndUsageErrorsExitTwo) {
  const auto a = run_nmt("translate " + model() + "--sample --seed 3", input());
  const auto b = run_nmt("translate " + model() + "--sample --seed 3", input());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(lines_of(a.out).size(), src_.size());
  EXPECT_EQ(run_nmt("translate " + model() + "--beam 2 --nbest 3", input()).exit_code, 2);
  EXPECT_EQ(run_nmt("translate " + model() + "--precision fp16", input()).exit_code, 2);
  const auto missing = run_nmt("translate -m /nonexistent/model", input());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/model"), std::string::npos) << missing.err;
}

TEST_F(TranslateCli, LongLinesAreTruncatedWithAWarningNamingTheLine) {
  std::string longline;
  for (int i = 0; i < 80; ++i) longline += "the dog runs over green grass ";
  const auto r = run_nmt("translate " + model(), src_[0] + "\n" + longline + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 2u);
  EXPECT_NE(r.err.find("stdin:2: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

TEST_F(TranslateCli, EvalPrintsBleuAndChrfWithSignaturesAndWritesHypotheses) {
  TempDir d;
  nmt::test::write_file(d / "src.txt", input());
  nmt::test::write_file(d / "ref.txt", nmt::test::join_lines(tgt_));
  const auto r = run_nmt("eval " + model() + "--src " + d / "src.txt" + " --ref " + d / "ref.txt" +
                         " -o " + d / "hyp.txt");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("BLEU|nrefs:1|"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chrF2|nrefs:1|"), std::string::npos) << r.out;
  const auto translated = run_nmt("translate " + model() + "-i " + d / "src.txt");
  EXPECT_EQ(nmt::test::read_file(d / "hyp.txt"), translated.out);
}

namespace {

// A tiny transformer trained (a few hundred Adam steps, in the fixture) on the synthetic
// word-by-word EN->DE pairs: peaked distributions like a real model's, so its outputs survive
// the text round trip (detokenize, re-tokenize) that `nmt score` of a translation goes through.
class TrainedModelCli : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    nmt::test::make_tiny_model_dir(dir_->path, /*seed=*/2, /*sharpen=*/1.0, /*train_steps=*/300);
    // Held out: another seed than the training pairs.
    for (const auto& [s, t] : nmt::test::synthetic_pairs(60, 8, 555)) {
      src_.push_back(s);
      ref_.push_back(t);
    }
    nmt::test::write_file(*dir_ / "test.src", nmt::test::join_lines(src_));
    nmt::test::write_file(*dir_ / "test.ref", nmt::test::join_lines(ref_));
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string model() { return "-m " + dir_->path + " --threads 1 "; }

  // `nmt translate --format jsonl` of the test set with extra flags, one JSON object per line.
  static std::vector<nlohmann::json> translate_jsonl(const std::string& flags) {
    const auto r =
        run_nmt("translate " + model() + "--format jsonl -i " + *dir_ / "test.src" + " " + flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<nlohmann::json> out;
    for (const auto& line : lines_of(r.out)) out.push_back(nlohmann::json::parse(line));
    EXPECT_EQ(out.size(), src_.size());
    return out;
  }

  static TempDir* dir_;
  static std::vector<std::string> src_, ref_;
};
TempDir* TrainedModelCli::dir_ = nullptr;
std::vector<std::string> TrainedModelCli::src_, TrainedModelCli::ref_;

}  // namespace

TEST_F(TrainedModelCli, BeamSearchLogProbEqualsScoreOfItsOwnOutput) {
  const auto beam = translate_jsonl("--beam 5");
  ASSERT_EQ(beam.size(), src_.size());
  std::vector<std::string> hyps;
  for (const auto& j : beam) hyps.push_back(j["translation"]);
  nmt::test::write_file(*dir_ / "beam.hyp", nmt::test::join_lines(hyps));
  const auto s =
      run_nmt("score " + model() + "--src " + *dir_ / "test.src" + " --tgt " + *dir_ / "beam.hyp");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto scores = lines_of(s.out);
  ASSERT_EQ(scores.size(), src_.size());
  // `nmt score` re-tokenizes the text; it scores the same pieces when they round-trip.
  const nmt::Tokenizer tokenizer(*dir_ / "spm.model");
  size_t round_trips = 0;
  for (size_t i = 0; i < beam.size(); ++i) {
    const auto& h = beam[i]["hypotheses"][0];
    std::vector<int64_t> ids = h["ids"].get<std::vector<int64_t>>();
    ids.pop_back();  // EOS
    const auto again = tokenizer.encode(hyps[i]);
    if (std::vector<int64_t>(again.begin(), again.end()) != ids) continue;
    ++round_trips;
    EXPECT_NEAR(std::stod(scores[i]), h["log_prob"].get<double>(), 1e-4) << i << ": " << hyps[i];
  }
  EXPECT_GE(round_trips, beam.size() * 9 / 10);
}

TEST_F(TrainedModelCli, BeamScoresAreNotBelowGreedyOnAverageAndTheModelTranslates) {
  // Without length normalisation, score = log-probability: what both searches maximise.
  const auto greedy = translate_jsonl("--beam 1 --length-penalty-type none");
  const auto beam = translate_jsonl("--beam 5 --length-penalty-type none");
  ASSERT_EQ(greedy.size(), beam.size());
  double greedy_sum = 0, beam_sum = 0;
  for (size_t i = 0; i < beam.size(); ++i) {
    greedy_sum += greedy[i]["hypotheses"][0]["score"].get<double>();
    beam_sum += beam[i]["hypotheses"][0]["score"].get<double>();
  }
  std::cout << "trained tiny model: mean log-prob greedy " << greedy_sum / beam.size()
            << ", beam 5 " << beam_sum / beam.size() << "\n";
  EXPECT_GE(beam_sum, greedy_sum - 1e-6);

  const auto e = run_nmt("eval " + model() + "--beam 5 --src " + *dir_ / "test.src" + " --ref " +
                         *dir_ / "test.ref");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  std::cout << e.out;
  const size_t eq = e.out.find(" = ");
  ASSERT_NE(eq, std::string::npos) << e.out;
  EXPECT_GT(std::stod(e.out.substr(eq + 3)), 20.0)
      << e.out;  // it learned to translate (random: ~0)
}

TEST_F(TrainedModelCli, NBestListsAreSortedAndDistinct) {
  const auto out = translate_jsonl("--beam 5 --nbest 5");
  for (const auto& j : out) {
    const auto& hyps = j["hypotheses"];
    ASSERT_EQ(hyps.size(), 5u);
    for (size_t n = 1; n < hyps.size(); ++n) {
      EXPECT_LE(hyps[n]["score"].get<double>(), hyps[n - 1]["score"].get<double>());
      for (size_t m = 0; m < n; ++m) EXPECT_NE(hyps[n]["ids"], hyps[m]["ids"]);
    }
  }
}

TEST_F(TrainedModelCli, ASentenceAloneAndInsideALargeBatchTranslatesTheSame) {
  std::vector<std::string> big;
  for (int copy = 0; copy < 4; ++copy)
    big.insert(big.end(), src_.begin(), src_.end());  // 240 lines
  const auto all = run_nmt("translate " + model() + "--beam 4 --batch-tokens 100000",
                           nmt::test::join_lines(big));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto out = lines_of(all.out);
  ASSERT_EQ(out.size(), big.size());
  for (size_t i = 0; i < src_.size(); i += 7) {
    const auto one = run_nmt("translate " + model() + "--beam 4", src_[i] + "\n");
    EXPECT_EQ(lines_of(one.out), std::vector<std::string>{out[i]}) << i;
    EXPECT_EQ(out[i], out[i + src_.size()]) << i;  // the same sentence in another batch position
  }
}

TEST_F(TrainedModelCli, Int8QuantizedDirectoryRoundTripsAndAgreesWithFloat) {
  const std::string int8_dir = *dir_ / "int8";
  const auto q = run_nmt("quantize -m " + dir_->path + " -o " + int8_dir);
  if (q.exit_code != 0 && q.err.find("int8 decoding is not available here") != std::string::npos)
    GTEST_SKIP() << "this nmt has no int8 kernels: " << q.err;
  ASSERT_EQ(q.exit_code, 0) << q.err;
  const std::string test = " -i " + *dir_ / "test.src";
  const auto from_dir = run_nmt("translate -m " + int8_dir + " --threads 1" + test);
  const auto at_load = run_nmt("translate " + model() + "--precision int8" + test);
  const auto in_float = run_nmt("translate " + model() + "--precision fp32" + test);
  ASSERT_EQ(from_dir.exit_code, 0) << from_dir.err;
  ASSERT_EQ(at_load.exit_code, 0) << at_load.err;
  // The saved int8 model is the one quantized at load time.
  EXPECT_EQ(from_dir.out, at_load.out);
  const auto a = lines_of(from_dir.out), b = lines_of(in_float.out);
  ASSERT_EQ(a.size(), src_.size());
  ASSERT_EQ(b.size(), src_.size());
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  std::cout << "int8 vs fp32: " << same << "/" << a.size() << " identical translations\n";
  EXPECT_GE(same, a.size() * 8 / 10);
  // Batches and parallel batches change nothing.
  const auto small = run_nmt("translate -m " + int8_dir + " --threads 2 --inter-threads 2 "
                             "--batch-tokens 40" + test);
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(small.out, from_dir.out);
  // Its float weights are gone: float decoding of it is a clear error.
  const auto fp32 = run_nmt("translate -m " + int8_dir + " --precision fp32" + test);
  EXPECT_NE(fp32.exit_code, 0);
  EXPECT_NE(fp32.err.find("int8 model"), std::string::npos) << fp32.err;
}

TEST_F(TranslateCli, AnEnsembleOfAModelWithItselfTranslatesAsTheModel) {
  const auto alone = run_nmt("translate " + model() + "--beam 3", input());
  const auto twice = run_nmt("translate " + model() + "-m " + dir_->path + " --beam 3", input());
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(twice.out, alone.out);
  EXPECT_NE(twice.err.find(" + "), std::string::npos) << twice.err;  // both files named
  // Commands that take one model say so.
  const auto score = run_nmt("score " + model() + "-m " + dir_->path + " --src x --tgt y");
  EXPECT_NE(score.exit_code, 0);
  EXPECT_NE(score.err.find("takes one model"), std::string::npos) << score.err;
}

TEST_F(TranslateCli, EnsemblesRefuseModelsWithAnotherVocabulary) {
  TempDir other;
  for (const char* f : {"model.pt", "config.json"}) fs::copy_file(*dir_ / f, other / f);
  // A SentencePiece model of the same size trained on other text.
  std::vector<std::string> lines;
  for (const auto& [s, t] : nmt::test::synthetic_pairs(300, 12, 99)) lines.push_back(t + " " + s);
  nmt::VocabOptions vocab;
  vocab.prefix = other / "spm";
  vocab.vocab_size = 120;
  vocab.threads = 1;
  nmt::VectorSentenceSource source(lines);
  nmt::train_vocab(vocab, source);
  const auto r = run_nmt("translate " + model() + "-m " + other.path, input());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("vocabularies differ"), std::string::npos) << r.err;
}
