// Loading models for decoding (run directories, exported directories, model files, checkpoint
// names, precision) and translating text lines with a real tokenizer.
#include <gtest/gtest.h>

#include <filesystem>

#include "nmt/decoding/line_translator.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/model/model_file.h"
#include "nmt/util/error.h"
#include "support/run_command.h"
#include "support/tiny_model_dir.h"

using namespace nmt;
using namespace nmt::test;
namespace fs = std::filesystem;

namespace {

// One model directory for the whole suite (training SentencePiece takes a moment).
class ModelDir : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    make_tiny_model_dir(dir_->path);
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
};
TempDir* ModelDir::dir_ = nullptr;

}  // namespace

TEST_F(ModelDir, ResolvesExportedAndRunDirectoriesAndModelFiles) {
  const ModelPaths exported = resolve_model_paths(dir_->path);
  EXPECT_EQ(exported.model_file, (fs::path(dir_->path) / "model.pt").string());
  EXPECT_EQ(exported.src_vocab, exported.tgt_vocab);
  EXPECT_FALSE(exported.config_file.empty());

  TempDir run;
  fs::create_directories(run / "checkpoints");
  for (const char* f : {"spm.model", "config.json"}) fs::copy_file(*dir_ / f, run / f);
  EXPECT_THROW(resolve_model_paths(run.path), CheckpointError);  // no checkpoint yet
  fs::copy_file(*dir_ / "model.pt", run / "checkpoints/last.pt");
  EXPECT_EQ(resolve_model_paths(run.path).model_file, run / "checkpoints/last.pt");
  fs::copy_file(*dir_ / "model.pt", run / "checkpoints/best.pt");
  fs::copy_file(*dir_ / "model.pt", run / "checkpoints/step-0000200.pt");
  EXPECT_EQ(resolve_model_paths(run.path).model_file, run / "checkpoints/best.pt");
  EXPECT_EQ(resolve_model_paths(run.path, "step-0000200").model_file,
            run / "checkpoints/step-0000200.pt");
  EXPECT_EQ(resolve_model_paths(run.path, "last.pt").model_file, run / "checkpoints/last.pt");
  EXPECT_THROW(resolve_model_paths(run.path, "step-9"), CheckpointError);
  // A checkpoint file given directly finds its run directory one level up.
  const ModelPaths file = resolve_model_paths(run / "checkpoints/last.pt");
  EXPECT_EQ(file.src_vocab, run / "spm.model");
  EXPECT_THROW(resolve_model_paths(run / "missing"), CheckpointError);
}

TEST(ModelHome, IsTheRunDirectoryForItsCheckpointsElseTheFilesOwnDirectory) {
  TempDir run;
  fs::create_directories(run / "checkpoints");
  EXPECT_EQ(model_home(run / "checkpoints/last.pt"), run.path);
  EXPECT_EQ(model_home(run / "model.pt"), run.path);
  EXPECT_EQ(model_home("model.pt"), ".");
  EXPECT_EQ(model_home("checkpoints/last.pt"), ".");
  // A checkpoints/ directory that holds a vocabulary of its own (joint, or one per side) is the
  // home of its files.
  write_file(run / "checkpoints/spm.model", "");
  EXPECT_EQ(model_home(run / "checkpoints/last.pt"), run / "checkpoints");
  fs::remove(run / "checkpoints/spm.model");
  write_file(run / "checkpoints/spm.src.model", "");
  EXPECT_EQ(model_home(run / "checkpoints/last.pt"), run / "checkpoints");
}

TEST_F(ModelDir, ExportedDirectoryLoadsBackTheSameModel) {
  const LoadedModel original = load_model_file(*dir_ / "model.pt");
  TempDir out;
  const std::string exported = out / "exported";
  export_model_dir(exported, dir_->path, *original.model, original.config);
  for (const char* f : {"model.pt", "config.json", "spm.model", "spm.vocab"})
    EXPECT_TRUE(fs::is_regular_file(fs::path(exported) / f)) << f;
  const DecodingModel m = load_decoding_model(exported, {"", "cpu", "fp32"});
  EXPECT_EQ(m.paths.model_file, (fs::path(exported) / "model.pt").string());
  EXPECT_EQ(m.config.decode.beam, original.config.decode.beam);
  const auto a = original.model->named_parameters(), b = m.model->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();

  // Never into a directory that holds something, nor without a vocabulary to copy.
  EXPECT_THROW(export_model_dir(exported, dir_->path, *original.model, original.config),
               ConfigError);
  TempDir no_vocab;
  EXPECT_THROW(export_model_dir(out / "other", no_vocab.path, *original.model, original.config),
               ConfigError);
  EXPECT_FALSE(fs::exists(out / "other"));
}

TEST_F(ModelDir, ReadsATrainingCheckpointWithItsExtraEntries) {
  // A checkpoint as the trainer writes it (training/checkpoint.h): the model-file keys from
  // write_model plus optimizer, state and RNG entries, which decoding must simply ignore.
  TempDir run;
  fs::create_directories(run / "checkpoints");
  for (const char* f : {"spm.model", "config.json"}) fs::copy_file(*dir_ / f, run / f);
  const LoadedModel original = load_model_file(*dir_ / "model.pt");
  torch::serialize::OutputArchive archive, optimizer, state;
  write_model(archive, *original.model, original.config);
  archive.write("checkpoint_version", c10::IValue(int64_t{1}));
  optimizer.write("exp_avg", torch::ones({3, 3}));
  archive.write("optimizer", optimizer);
  state.write("step", c10::IValue(int64_t{1200}));
  archive.write("state", state);
  archive.save_to(run / "checkpoints/best.pt");

  const DecodingModel m = load_decoding_model(run.path, {"", "cpu", "fp32"});
  EXPECT_EQ(m.paths.model_file, run / "checkpoints/best.pt");
  const auto loaded = m.model->named_parameters();
  for (const auto& p : original.model->named_parameters()) {
    ASSERT_TRUE(loaded.contains(p.key())) << p.key();
    EXPECT_TRUE(torch::equal(loaded[p.key()], p.value())) << p.key();
  }
}

TEST_F(ModelDir, SeparateVocabulariesAndMissingVocabulary) {
  TempDir d;
  fs::copy_file(*dir_ / "model.pt", d / "model.pt");
  EXPECT_THROW(resolve_model_paths(d.path), CheckpointError);
  fs::copy_file(*dir_ / "spm.model", d / "spm.src.model");
  fs::copy_file(*dir_ / "spm.model", d / "spm.tgt.model");
  const ModelPaths p = resolve_model_paths(d.path);
  EXPECT_EQ(p.src_vocab, d / "spm.src.model");
  EXPECT_EQ(p.tgt_vocab, d / "spm.tgt.model");
  EXPECT_TRUE(p.config_file.empty());
  const DecodingModel m = load_decoding_model(d.path, {"", "cpu", "fp32"});
  EXPECT_NE(m.source.get(), m.target.get());
}

TEST_F(ModelDir, LoadsInEvalModeInTheAskedPrecisionWithDecodeDefaultsFromConfigJson) {
  const DecodingModel fp32 = load_decoding_model(dir_->path, {"", "cpu", "fp32"});
  EXPECT_FALSE(fp32.model->is_training());
  EXPECT_EQ(fp32.dtype, torch::kFloat);
  EXPECT_EQ(fp32.config.decode.beam, 3);  // from config.json
  EXPECT_EQ(fp32.model->parameters().front().scalar_type(), torch::kFloat);
  const DecodingModel bf16 = load_decoding_model(dir_->path, {"", "cpu", "bf16"});
  EXPECT_EQ(bf16.model->parameters().front().scalar_type(), torch::kBFloat16);
  const DecodingModel from_config = load_decoding_model(dir_->path);  // config.json says fp32
  EXPECT_EQ(from_config.dtype, torch::kFloat);
  EXPECT_THROW(load_decoding_model(dir_->path, {"", "cpu", "fp16"}), ConfigError);
}

TEST_F(ModelDir, RejectsAVocabularyOfAnotherSize) {
  TempDir d;
  fs::copy_file(*dir_ / "model.pt", d / "model.pt");
  std::vector<std::string> lines;
  for (const auto& [s, t] : synthetic_pairs(200)) lines.push_back(s);
  VocabOptions v;
  v.prefix = d / "spm";
  v.vocab_size = 60;  // SentencePiece allows at most 64 on these sentences
  v.threads = 1;
  VectorSentenceSource source(lines);
  train_vocab(v, source);
  EXPECT_THROW(load_decoding_model(d.path, {"", "cpu", "fp32"}), CheckpointError);
}

TEST_F(ModelDir, LineTranslatorKeepsOneOutputPerLineInOrder) {
  const DecodingModel m = load_decoding_model(dir_->path, {"", "cpu", "fp32"});
  TranslatorOptions o = TranslatorOptions::from_config(m.config.decode);
  o.batch_tokens = 20;  // many batches
  Translator translator(m.model, o, torch::kCPU);
  LineTranslator lines(translator, m.source, m.target);
  std::vector<std::string> input;
  for (const auto& [s, t] : synthetic_pairs(30, 12, 5)) input.push_back(s);
  input.insert(input.begin() + 4, "");
  input.push_back("");
  const auto out = lines.translate(input, "test");
  ASSERT_EQ(out.size(), input.size());
  EXPECT_EQ(out[4].texts, std::vector<std::string>{""});
  EXPECT_EQ(out.back().texts, std::vector<std::string>{""});
  // Each line alone gives the same translation.
  for (size_t i = 0; i < input.size(); i += 5) {
    const auto alone = lines.translate({input[i]}, "test");
    EXPECT_EQ(alone[0].texts, out[i].texts) << i;
  }
}

TEST_F(ModelDir, InvalidUtf8IsAnErrorNamingTheLineOrSkipped) {
  const DecodingModel m = load_decoding_model(dir_->path, {"", "cpu", "fp32"});
  Translator translator(m.model, TranslatorOptions::from_config(m.config.decode), torch::kCPU);
  const std::vector<std::string> input = {"the dog .", "bad \xff byte", "a man ."};
  try {
    LineTranslator(translator, m.source, m.target).translate(input, "in.txt", 10);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "in.txt:11: invalid UTF-8 at byte 5 (use --invalid-utf8 skip to skip such lines)");
  }
  const auto out =
      LineTranslator(translator, m.source, m.target, "skip").translate(input, "in.txt", 10);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[1].skipped);
  EXPECT_EQ(out[1].texts.front(), "");
  EXPECT_FALSE(out[0].skipped);
}
