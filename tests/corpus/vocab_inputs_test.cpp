// Vocabulary training from files, and a run directory's vocabularies (joint or per side).
#include <gtest/gtest.h>

#include "corpus_fixture.h"
#include "nmt/config/special_ids.h"
#include "nmt/corpus/vocab_inputs.h"
#include "nmt/corpus/vocabularies.h"
#include "nmt/util/error.h"
#include "support/gzip_file.h"

namespace {

using namespace nmt::test;

struct Files {
  TempDir dir;
  std::string en, de, tsv;
  Files() {
    std::string e, d, t;
    for (const auto& [s, g] : synthetic_pairs(400, 20, 77)) {
      e += s + "\n";
      d += g + "\n";
      t += s + "\t" + g + "\n";
    }
    en = dir / "train.en";
    de = dir / "train.de.gz";
    tsv = dir / "train.tsv.gz";
    write_file(en, e);
    write_gz(de, d);
    write_gz(tsv, t);
  }
};

nmt::VocabOptions options(const std::string& prefix, int64_t size = 90) {
  nmt::VocabOptions o;
  o.prefix = prefix;
  o.vocab_size = size;
  o.threads = 1;
  return o;
}

bool has_unk(const nmt::Tokenizer& tok, const std::string& text) {
  const auto ids = tok.encode(text);
  return std::find(ids.begin(), ids.end(), nmt::kUnkId) != ids.end();
}

TEST(VocabInputs, SameSampleSeedGivesTheSameModel) {
  Files f;
  nmt::VocabInputs inputs;
  inputs.files = {f.en, f.de};
  inputs.sample = 300;  // of 800 sentences
  nmt::train_vocab_on_files(inputs, options(f.dir / "a"));
  nmt::train_vocab_on_files(inputs, options(f.dir / "b"));
  inputs.seed = 99;
  nmt::train_vocab_on_files(inputs, options(f.dir / "c"));
  // The .vocab files (pieces and scores); the .model files also embed the output prefix.
  const auto a = read_file(f.dir / "a.vocab"), b = read_file(f.dir / "b.vocab"),
             c = read_file(f.dir / "c.vocab");
  EXPECT_TRUE(a == b) << "same inputs and seed gave different vocabularies";
  EXPECT_TRUE(a != c) << "another seed should draw another sample";
}

TEST(VocabInputs, TsvColumnsSelectTheSide) {
  Files f;
  nmt::VocabInputs inputs;
  inputs.files = {f.tsv};
  inputs.column = 0;
  nmt::train_vocab_on_files(inputs, options(f.dir / "src", 60));
  inputs.column = -1;
  nmt::train_vocab_on_files(inputs, options(f.dir / "both"));
  EXPECT_TRUE(has_unk(nmt::Tokenizer(f.dir / "src.model"), "Straße"))
      << "ß only occurs on the target side";
  EXPECT_FALSE(has_unk(nmt::Tokenizer(f.dir / "both.model"), "Straße"));
}

TEST(VocabInputs, MissingInputIsNamedBeforeTraining) {
  Files f;
  nmt::VocabInputs inputs;
  inputs.files = {f.en, f.dir / "missing.de"};
  try {
    nmt::train_vocab_on_files(inputs, options(f.dir / "x"));
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.de"), std::string::npos) << e.what();
  }
}

TEST(Vocabularies, JointFromFilesThenReloadedFromTheRunDirectory) {
  Files f;
  TempDir run;
  nmt::DataConfig data;
  data.train_src = f.en;
  data.train_tgt = f.de;
  data.vocab_size = 90;
  const auto v = nmt::prepare_vocabularies(data, run.path, 1, 1);
  EXPECT_TRUE(v.joint());
  EXPECT_FALSE(has_unk(*v.src, "Straße"));
  const auto again = nmt::load_vocabularies(run.path);
  EXPECT_TRUE(again.joint());
  EXPECT_EQ(again.src->encode("a dog runs ."), v.src->encode("a dog runs ."));
}

TEST(Vocabularies, PerSideFromATsvAndFromExistingModels) {
  Files f;
  TempDir run;
  nmt::DataConfig data;
  data.train_src = f.tsv;
  data.vocab_size = 60;
  data.joint_vocab = false;
  const auto v = nmt::prepare_vocabularies(data, run.path, 1, 1);
  EXPECT_FALSE(v.joint());
  EXPECT_TRUE(has_unk(*v.src, "Straße"));
  EXPECT_FALSE(has_unk(*v.tgt, "Straße"));

  TempDir second;
  data.vocab = run / "spm.src.model," + run / "spm.tgt.model";
  const auto copied = nmt::prepare_vocabularies(data, second.path, 1);
  EXPECT_TRUE(read_file(second / "spm.tgt.model") == read_file(run / "spm.tgt.model"));
  EXPECT_EQ(copied.tgt->encode("Straße"), v.tgt->encode("Straße"));
  data.joint_vocab = true;
  EXPECT_THROW(nmt::prepare_vocabularies(data, second.path, 1), nmt::ConfigError);
}

TEST(Vocabularies, DirectoryWithoutModelsIsADataError) {
  TempDir empty;
  EXPECT_THROW(nmt::load_vocabularies(empty.path), nmt::DataError);
}

}  // namespace
