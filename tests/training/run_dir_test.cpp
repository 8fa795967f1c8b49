// The run directory's rules (training/run_dir.h): a new run never writes into a directory that
// holds something, a resumed run reads its config.json under --set and keeps its model, and
// preparing writes the vocabulary and config.json that decoding then finds.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "nmt/decoding/model_dir.h"
#include "nmt/model/model_file.h"
#include "nmt/text/vocab_trainer.h"
#include "nmt/training/run_dir.h"
#include "nmt/util/error.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(RunDir, ANewRunNeedsAnEmptyOrMissingDirectory) {
  test::TempDir tmp;
  create_run_dir(tmp / "new/run");
  EXPECT_TRUE(fs::is_directory(tmp / "new/run"));
  create_run_dir(tmp / "new/run");  // empty: fine
  test::write_file(tmp / "new/run/train.log", "x\n");
  const std::string what = message_of([&] { create_run_dir(tmp / "new/run"); });
  EXPECT_NE(what.find("exists and is not empty"), std::string::npos) << what;
  EXPECT_NE(what.find("nmt train --resume " + tmp / "new/run"), std::string::npos) << what;
  EXPECT_THROW(create_run_dir(tmp / "new/run"), ConfigError);
}

TEST(RunDir, MissingInputsAreNamedByTheirOption) {
  DataConfig data;
  data.train_src = "/nonexistent/train.en";
  const std::string what = message_of([&] { check_training_inputs(data); });
  EXPECT_EQ(what, "--src (data.train_src): cannot read /nonexistent/train.en: no such file");
  EXPECT_THROW(check_training_inputs(data), DataError);
  test::TempDir tmp;
  test::write_file(tmp / "a.model", "");
  data.train_src = "";
  data.vocab = tmp / "a.model," + tmp / "b.model";
  const std::string vocab = message_of([&] { check_training_inputs(data); });
  EXPECT_EQ(vocab, "--vocab (data.vocab): cannot read " + tmp / "b.model" + ": no such file");
}

TEST(RunDir, AResumedRunReadsItsConfigJsonUnderTheOverrides) {
  test::TempDir run;
  EXPECT_THROW(load_run_config(run.path, {}), ConfigError);  // no config.json: not a run directory
  Config saved = load_config(ConfigSources{"tiny", {}, {}});
  saved.train.max_steps = 10;
  test::write_file(run_config_path(run.path), to_json(saved).dump(2) + "\n");
  const Config resumed = load_run_config(run.path, ConfigSources{"", {}, {"train.max_steps=40"}});
  EXPECT_EQ(resumed.train.max_steps, 40);
  EXPECT_EQ(resumed.model.d_model, saved.model.d_model);
  EXPECT_EQ(run_config_path(run.path), (fs::path(run.path) / "config.json").string());
  EXPECT_EQ(run_last_checkpoint_path(run.path),
            (fs::path(run.path) / "checkpoints/last.pt").string());
}

TEST(RunDir, ChangedModelKeyNamesTheFirstDifference) {
  const Config a = load_config(ConfigSources{"tiny", {}, {}});
  Config b = a;
  EXPECT_EQ(changed_model_key(a, b), "");
  b.train.lr = a.train.lr * 2;  // not the model
  EXPECT_EQ(changed_model_key(a, b), "");
  b.model.d_model = a.model.d_model * 2;
  EXPECT_EQ(changed_model_key(a, b), "d_model");
}

TEST(RunDir, PreparedRunDirectoryIsOneDecodingFinds) {
  test::TempDir tmp;
  std::vector<std::string> lines;
  for (const auto& [s, t] : test::synthetic_pairs(300)) {
    lines.push_back(s);
    lines.push_back(t);
  }
  VectorSentenceSource source(lines);
  VocabOptions options;
  options.prefix = tmp / "given";
  options.vocab_size = 100;
  options.threads = 1;
  train_vocab(options, source);

  Config config = load_config(ConfigSources{"tiny", {}, {}});
  config.data.vocab = tmp / "given.model";
  const std::string run = tmp / "run";
  create_run_dir(run);
  DistributedContext single;
  const Vocabularies vocab = prepare_run_dir(run, config, 1, single);
  EXPECT_TRUE(vocab.joint());
  EXPECT_TRUE(fs::is_regular_file(fs::path(run) / "spm.model"));
  EXPECT_EQ(load_run_config(run, {}).data.vocab, config.data.vocab);  // config.json written

  const Seq2Seq model = make_run_model(config, vocab, nullptr);
  EXPECT_EQ(model->src_vocab_size(), vocab.src->vocab_size());
  EXPECT_FALSE(make_run_validator(config, vocab));  // no validation set
  // A checkpoint given directly is found with the run's vocabulary and config.json.
  fs::create_directories(fs::path(run) / "checkpoints");
  save_model_file(run_last_checkpoint_path(run), *model, config);
  const ModelPaths paths = resolve_model_paths(run);
  EXPECT_EQ(paths.model_file, run_last_checkpoint_path(run));
  EXPECT_EQ(paths.src_vocab, (fs::path(run) / "spm.model").string());
  EXPECT_EQ(paths.config_file, run_config_path(run));
}

}  // namespace
}  // namespace nmt
