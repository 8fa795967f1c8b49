#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "model_test_util.h"
#include "nmt/model/model_file.h"
#include "nmt/util/error.h"
#include "support/run_command.h"

using namespace nmt;
using namespace nmt::test;

namespace {

void expect_checkpoint_error(const std::string& path, const std::string& fragment = "") {
  try {
    load_model_file(path);
    FAIL() << "expected a CheckpointError for " << path;
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    if (!fragment.empty()) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

Config config_with(const ModelConfig& model) {
  Config c;
  c.model = model;
  return c;
}

}  // namespace

TEST(ModelFile, RoundTripGivesIdenticalOutputs) {
  TempDir dir;
  for (const std::string arch : {"transformer", "rnn"}) {
    torch::manual_seed(1);
    auto config = tiny_config(arch);
    config.positional = "learned";
    config.share_embeddings = false;
    auto model = make_model(config, kTinyVocab, 17);
    model->eval();
    const auto path = dir.path + "/" + arch + ".pt";
    save_model_file(path, *model, config_with(config));
    auto loaded = load_model_file(path);
    loaded.model->eval();
    EXPECT_EQ(loaded.config.model.arch, arch);
    EXPECT_EQ(loaded.config.model.positional, "learned");
    EXPECT_EQ(loaded.model->src_vocab_size(), kTinyVocab);
    EXPECT_EQ(loaded.model->tgt_vocab_size(), 17);
    auto src = padded_sources();
    auto tgt = target_inputs(3, 5).clamp_max(16);
    EXPECT_TRUE(model->forward(src, tgt).equal(loaded.model->forward(src, tgt)));
    EXPECT_FALSE(std::ifstream(path + ".tmp").good()) << "temporary file left behind";
  }
}

TEST(ModelFile, MissingTruncatedOrForeignFilesAreCheckpointErrors) {
  TempDir dir;
  expect_checkpoint_error(dir.path + "/absent.pt", "does not exist");
  auto model = make_model(tiny_config(), kTinyVocab, kTinyVocab);
  const auto good = dir.path + "/good.pt";
  save_model_file(good, *model, config_with(tiny_config()));
  const auto bytes = read_file(good);
  const auto truncated = dir.path + "/truncated.pt";
  write_file(truncated, bytes.substr(0, bytes.size() / 2));
  expect_checkpoint_error(truncated);
  const auto garbage = dir.path + "/garbage.pt";
  write_file(garbage, "this is not a model\n");
  expect_checkpoint_error(garbage);
  // A valid archive without the model keys.
  const auto foreign = dir.path + "/foreign.pt";
  torch::serialize::OutputArchive other;
  other.write("weights", torch::ones({2}));
  other.save_to(foreign);
  expect_checkpoint_error(foreign, "not an nmt model file");
}

TEST(ModelFile, ParametersThatDoNotMatchTheConfigAreCheckpointErrors) {
  TempDir dir;
  // The parameters of a d_model 32 model stored under a config that says 16.
  auto model = make_model(tiny_config(), kTinyVocab, kTinyVocab);
  auto small = tiny_config();
  small.d_model = 16;
  torch::serialize::OutputArchive params;
  model->save(params);
  torch::serialize::OutputArchive mixed;
  mixed.write("model", params);
  mixed.write("config", c10::IValue(to_json(config_with(small)).dump()));
  mixed.write("src_vocab", c10::IValue(kTinyVocab));
  mixed.write("tgt_vocab", c10::IValue(kTinyVocab));
  mixed.write("format_version", c10::IValue(int64_t{1}));
  const auto path = dir.path + "/mixed.pt";
  mixed.save_to(path);
  expect_checkpoint_error(path, "shape");
}

TEST(ModelFile, ModelInsideABiggerArchive) {
  // The trainer stores the model beside its optimizer state: read_model works on any archive.
  TempDir dir;
  auto model = make_model(tiny_config(), kTinyVocab, kTinyVocab);
  torch::serialize::OutputArchive checkpoint;
  write_model(checkpoint, *model, config_with(tiny_config()));
  checkpoint.write("step", c10::IValue(int64_t{42}));
  const auto path = dir.path + "/checkpoint.pt";
  checkpoint.save_to(path);
  torch::serialize::InputArchive in;
  in.load_from(path);
  auto loaded = read_model(in, path);
  EXPECT_EQ(loaded.model->parameter_count(), model->parameter_count());
  EXPECT_EQ(load_model_file(path).model->parameter_count(), model->parameter_count());
}
