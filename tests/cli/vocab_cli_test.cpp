// End-to-end: `nmt vocab` trains PREFIX.model/.vocab from plain and gzip files; bad input ->
// exit 1.
#include <gtest/gtest.h>

#include "support/gzip_file.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace {

using nmt::test::run_nmt;
using nmt::test::TempDir;

void write_sides(const TempDir& dir) {
  std::string en, de;
  for (const auto& [s, t] : nmt::test::synthetic_pairs(400)) {
    en += s + "\n";
    de += t + "\n";
  }
  nmt::test::write_file(dir / "train.en", en);
  nmt::test::write_gz(dir / "train.de.gz", de);
}

TEST(VocabCli, TrainsAJointModelFromPlainAndGzipInputs) {
  TempDir dir;
  write_sides(dir);
  const auto r = run_nmt("vocab -i " + (dir / "train.en") + " -i " + (dir / "train.de.gz") +
                         " --vocab-size 100 --threads 1 -o " + (dir / "spm"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string vocab = nmt::test::read_file(dir / "spm.vocab");
  EXPECT_FALSE(nmt::test::read_file(dir / "spm.model").empty());
  // The .vocab lists pieces in id order: the reserved four first.
  EXPECT_EQ(vocab.rfind("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n", 0), 0u) << vocab.substr(0, 80);
  EXPECT_NE(vocab.find("ß"), std::string::npos) << "the German side was not read";
  EXPECT_EQ(std::count(vocab.begin(), vocab.end(), '\n'), 100);
  EXPECT_EQ(r.err.find("trainer_interface"), std::string::npos)
      << "SentencePiece should be quiet:\n"
      << r.err;
  EXPECT_NE(r.err.find("100 pieces"), std::string::npos) << r.err;
}

TEST(VocabCli, BpeAndVerboseWork) {
  TempDir dir;
  write_sides(dir);
  const auto r = run_nmt("vocab -i " + (dir / "train.en") +
                         " --type bpe --vocab-size 80 --threads 1 -v -o " + (dir / "bpe"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("model_type: BPE"), std::string::npos) << r.err;
}

TEST(VocabCli, MissingInputExitsWithOneNamingTheFile) {
  TempDir dir;
  write_sides(dir);
  const auto r = run_nmt("vocab -i " + (dir / "train.en") + " -i " + (dir / "nope.de") +
                         " --vocab-size 100 -o " + (dir / "spm"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.de"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
}

TEST(VocabCli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_nmt("vocab --vocab-size 100 -o x").exit_code, 2);  // no input
  EXPECT_EQ(run_nmt("vocab -i a -o x --type word").exit_code, 2);  // bad type
  EXPECT_EQ(run_nmt("vocab -i a -o x --character-coverage 2").exit_code, 2);
}

}  // namespace
