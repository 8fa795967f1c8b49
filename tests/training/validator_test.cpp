#include <gtest/gtest.h>

#include <cmath>

#include "nmt/metrics/bleu.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/vocab_trainer.h"
#include "nmt/training/label_smoothed_loss.h"
#include "nmt/training/validator.h"
#include "nmt/util/error.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt {
namespace {

// A SentencePiece model and a 12-pair validation set (one pair far longer than the rest).
struct ValidationFixture {
  test::TempDir dir;
  std::unique_ptr<Tokenizer> tokenizer;
  ValidationFixture() {
    std::vector<std::string> lines;
    for (const auto& [s, t] : test::synthetic_pairs(300)) {
      lines.push_back(s);
      lines.push_back(t);
    }
    VectorSentenceSource source(lines);
    VocabOptions options;
    options.prefix = dir / "spm";
    options.vocab_size = 100;
    options.threads = 1;
    train_vocab(options, source);
    tokenizer = std::make_unique<Tokenizer>(dir / "spm.model");
    std::string src, tgt;
    for (const auto& [s, t] : test::synthetic_pairs(11, 8, 5)) {
      src += s + "\n";
      tgt += t + "\n";
    }
    const auto [long_src, long_tgt] =
        test::synthetic_pairs(1, 60, 6).front();  // a copy: the vector is a temporary
    test::write_file(dir / "val.en", src + long_src + " " + long_src + "\n");
    test::write_file(dir / "val.de", tgt + long_tgt + " " + long_tgt + "\n");
  }
};

Config tiny() {
  Config config = load_config(ConfigSources{"tiny", {}, {}});
  config.model.max_positions = 64;
  return config;
}

TEST(Validator, ScoresGreedyTranslationsOfEverySourceAndTheTeacherForcedLoss) {
  ValidationFixture f;
  ValidationSet set =
      read_validation_set(f.dir / "val.en", f.dir / "val.de", *f.tokenizer, *f.tokenizer);
  ASSERT_EQ(set.sources.size(), 12u);
  const Config config = tiny();
  torch::manual_seed(1);
  Seq2Seq model = make_model(config.model, f.tokenizer->vocab_size(), f.tokenizer->vocab_size());
  ValidatorOptions options;
  options.decode = config.decode;
  options.decode.max_length_a = 1.0;
  options.decode.max_length_b = 5;
  options.batch_tokens = 60;  // several batches
  Validator validator(set, *f.tokenizer, options, config.model.max_positions);
  EXPECT_EQ(validator.skipped_pairs(), 1);  // the long pair does not fit 64 positions

  const ValidationResult r = validator.run(model, torch::kCPU, torch::kFloat32);
  EXPECT_FALSE(model->is_training());
  EXPECT_EQ(r.sentences, 12);
  ASSERT_EQ(r.hypotheses.size(), 12u);  // the long source is still translated (truncated)
  // The loss is the teacher-forced cross-entropy of the 11 pairs that fit, per target token.
  double nll = 0;
  int64_t tokens = 0;
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i + 1 < set.sources.size(); ++i) {
      std::vector<int64_t> src(set.src_ids[i].begin(), set.src_ids[i].end()),
          tgt(set.tgt_ids[i].begin(), set.tgt_ids[i].end());
      src.push_back(kEosId);
      std::vector<int64_t> in{kBosId}, out = tgt;
      in.insert(in.end(), tgt.begin(), tgt.end());
      out.push_back(kEosId);
      const auto opts = torch::TensorOptions().dtype(torch::kInt64);
      const torch::Tensor logits = model->forward(torch::tensor(src, opts).unsqueeze(0),
                                                  torch::tensor(in, opts).unsqueeze(0));
      const LossSums s = label_smoothed_loss(logits, torch::tensor(out, opts).unsqueeze(0), 0.0);
      nll += s.nll.item<double>();
      tokens += s.tokens;
    }
  }
  EXPECT_EQ(r.tgt_tokens, tokens);
  EXPECT_NEAR(r.loss, nll / tokens, 1e-4);
  EXPECT_NEAR(r.ppl, std::exp(r.loss), 1e-6 * r.ppl);
  // An untrained model is near-uniform over the vocabulary.
  EXPECT_NEAR(r.loss, std::log(100.0), 1.0);
  // BLEU is sacreBLEU's over the detokenized hypotheses and the raw references.
  const auto bleu = metrics::corpus_bleu(r.hypotheses, {set.references});
  EXPECT_DOUBLE_EQ(r.bleu, bleu.score);
  EXPECT_EQ(r.bleu_signature, bleu.signature);
  EXPECT_FALSE(r.chrf_signature.empty());

  // Fixed order: a second run gives the same numbers.
  const ValidationResult again = validator.run(model, torch::kCPU, torch::kFloat32);
  EXPECT_EQ(again.loss, r.loss);
  EXPECT_EQ(again.hypotheses, r.hypotheses);
}

TEST(Validator, MismatchedFilesAreADataError) {
  ValidationFixture f;
  test::write_file(f.dir / "short.de", "eins\n");
  EXPECT_THROW(
      read_validation_set(f.dir / "val.en", f.dir / "short.de", *f.tokenizer, *f.tokenizer),
      DataError);
  std::string bad;
  for (int i = 0; i < 11; ++i) bad += "Hund\n";
  test::write_file(f.dir / "bad.de", bad + "\xff\n");
  EXPECT_THROW(read_validation_set(f.dir / "val.en", f.dir / "bad.de", *f.tokenizer, *f.tokenizer),
               DataError);
  EXPECT_THROW(
      read_validation_set(f.dir / "val.en", f.dir / "missing.de", *f.tokenizer, *f.tokenizer),
      DataError);
}

}  // namespace
}  // namespace nmt
