#include <gtest/gtest.h>

#include "nmt/config/config.h"
#include "nmt/util/error.h"
#include "support/run_command.h"

using nmt::ConfigError;
using nmt::ConfigSources;
using nmt::load_config;

namespace {

// Expects load_config(sources) to throw a ConfigError whose message holds every fragment.
void expect_error(const ConfigSources& sources, std::initializer_list<std::string> fragments) {
  try {
    load_config(sources);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    for (const auto& f : fragments)
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Config, DefaultsAreTheTransformerBase) {
  const auto c = load_config({});
  EXPECT_EQ(c.model.arch, "transformer");
  EXPECT_EQ(c.model.d_model, 512);
  EXPECT_EQ(c.model.heads, 8);
  EXPECT_EQ(c.model.attention, "scaled_dot");
  EXPECT_EQ(c.model.norm, "pre");
  EXPECT_DOUBLE_EQ(c.train.adam_beta2, 0.98);
  EXPECT_DOUBLE_EQ(c.train.adam_eps, 1e-9);
  EXPECT_EQ(c.decode.beam, 5);
}

TEST(Config, PresetSmallHasItsDocumentedSizes) {
  const auto c = load_config({"small", {}, {}});
  EXPECT_EQ(c.model.d_model, 256);
  EXPECT_EQ(c.model.heads, 4);
  EXPECT_EQ(c.model.ff, 1024);
  EXPECT_EQ(c.model.encoder_layers, 3);
  EXPECT_EQ(c.model.decoder_layers, 3);
  EXPECT_EQ(c.model.attention, "scaled_dot");  // untouched keys keep their defaults
}

TEST(Config, EveryPresetLoads) {
  const auto names = nmt::preset_names();
  for (const std::string expected : {"tiny", "small", "base", "big"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  for (const auto& name : names) EXPECT_NO_THROW(load_config({name, {}, {}})) << name;
}

TEST(Config, OverridesApplyInOrderFileThenSet) {
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "c.json",
                        R"({"model": {"d_model": 128, "heads": 2}, "train": {"lr": 0.5}})");
  const auto c = load_config(
      {"small", {dir / "c.json"}, {"train.lr=3e-4", "model.arch=rnn", "decode.sample=true"}});
  EXPECT_EQ(c.model.d_model, 128);
  EXPECT_EQ(c.model.heads, 2);
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-4);
  EXPECT_EQ(c.model.arch, "rnn");
  EXPECT_TRUE(c.decode.sample);
}

TEST(Config, RoundTripsThroughJson) {
  auto c = load_config({"tiny", {}, {"model.positional=learned"}});
  const auto again = nmt::config_from_json(nmt::to_json(c), "round trip");
  EXPECT_EQ(nmt::to_json(again), nmt::to_json(c));
}

TEST(Config, UnknownKeyNamesKeyAndFile) {
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "bad.json", R"({"model": {"d_modle": 128}})");
  expect_error({"", {dir / "bad.json"}, {}}, {"model.d_modle", "bad.json", "unknown"});
}

TEST(Config, UnknownSectionIsAnError) {
  expect_error({"", {}, {"optim.lr=1"}}, {"optim", "unknown"});
}

TEST(Config, WrongTypeNamesKeyAndOrigin) {
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "bad.json", R"({"train": {"max_steps": "many"}})");
  expect_error({"", {dir / "bad.json"}, {}},
               {"train.max_steps", "bad.json", "expected an integer"});
  expect_error({"", {}, {"model.tie_embeddings=1"}},
               {"model.tie_embeddings", "expected true or false"});
  expect_error({"", {}, {"model.d_model=1.5"}}, {"model.d_model", "expected an integer"});
}

TEST(Config, OutOfRangeNamesKeyAndOrigin) {
  expect_error({"", {}, {"model.dropout=1.5"}},
               {"model.dropout", "out of range", "--set model.dropout=1.5"});
  expect_error({"", {}, {"data.batch_tokens=0"}}, {"data.batch_tokens", "out of range"});
}

TEST(Config, BadChoiceListsTheChoices) {
  expect_error({"", {}, {"model.attention=cosine"}},
               {"model.attention", "'cosine'", "scaled_dot, dot, general, additive"});
}

TEST(Config, HeadsMustDivideWidth) {
  expect_error({"", {}, {"model.d_model=100", "model.heads=3"}},
               {"model.heads", "does not divide"});
}

TEST(Config, InvalidJsonFileNamesTheFile) {
  nmt::test::TempDir dir;
  nmt::test::write_file(dir / "broken.json", R"({"model": {"d_model": 128,}})");
  expect_error({"", {dir / "broken.json"}, {}}, {"broken.json", "not valid JSON"});
}

TEST(Config, MissingFileIsNamed) {
  expect_error({"", {"/nonexistent/cfg.json"}, {}}, {"/nonexistent/cfg.json"});
}

TEST(Config, UnknownPresetListsTheAvailableOnes) {
  expect_error({"huge", {}, {}}, {"huge", "tiny", "small"});
}

TEST(Config, MalformedSetIsAnError) {
  expect_error({"", {}, {"model.d_model"}}, {"key.path=value"});
  expect_error({"", {}, {"d_model=3"}}, {"section.key"});
}

TEST(Config, ReferenceListsEveryKey) {
  const auto md = nmt::config_reference_markdown();
  const auto json = nmt::to_json(nmt::Config{});
  for (auto& [section, fields] : json.items())
    for (auto& [key, value] : fields.items())
      EXPECT_NE(md.find("`" + section + "." + key + "`"), std::string::npos)
          << section << "." << key;
}
