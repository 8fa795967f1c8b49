// End-to-end: `nmt bleu` reads files or stdin, prints sacreBLEU's text or JSON, and reports
// bad input with the file, line and exit code. Expected scores are worked out by hand (see
// tests/metrics/*_test.cpp for the same arithmetic in more detail).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "support/run_command.h"

using nmt::test::run_nmt;
using nmt::test::TempDir;
using nmt::test::write_file;

namespace {

const char* kBleuSig = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST(BleuCli, ReadsHypothesesFromStdinAndPrintsTheSacrebleuLine) {
  TempDir dir;
  write_file(dir / "ref.txt", "The cat sat on the mat.\n");
  // Identical: 7 13a tokens, every n-gram matches, BLEU 100.
  const auto r = run_nmt("bleu -r " + dir / "ref.txt", "The cat sat on the mat.\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      std::string("BLEU|") + kBleuSig +
          " = 100.0 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)\n");
}

TEST(BleuCli, InputFileWidthAndWindowsLineEndings) {
  TempDir dir;
  write_file(dir / "ref.txt", "the cat sat on the mat\r\n");
  write_file(dir / "hyp.txt", "the cat sat on the hat");  // no final newline
  // Precisions 5/6, 4/5, 3/4, 2/3: BLEU = 100 * (1/3)^(1/4) = 75.9836 (the '\r' is stripped).
  const auto r = run_nmt("bleu -r " + dir / "ref.txt" + " -i " + dir / "hyp.txt" + " -w 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      std::string("BLEU|") + kBleuSig +
          " = 75.9836 83.3/80.0/75.0/66.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)\n");
}

TEST(BleuCli, SeveralMetricsAreSortedAndAlignedAsSacrebleuDoes) {
  TempDir dir;
  write_file(dir / "ref.txt", "a b c\n");
  write_file(dir / "hyp.txt", "b c a\n");
  // BLEU: 1-grams 3/3, 2-grams 1/2, 3-grams 0/1 (exp-smoothed to 50), no 4-gram -> log(0): 0.
  // chrF: "bca" vs "abc": orders [3,3,3] [2,2,1] [1,1,0]; P = R = 1/2, F = 0.5 -> 50.0.
  // TER: one shift over three words -> 33.3.
  const auto r =
      run_nmt("bleu -r " + dir / "ref.txt" + " -i " + dir / "hyp.txt" + " -m ter,chrf -m bleu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_NE(lines[0].find(std::string("BLEU|") + kBleuSig + " = 0.0 100.0/50.0/50.0/0.0"),
            std::string::npos);
  EXPECT_NE(
      lines[1].find("chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0 = 50.0"),
      std::string::npos);
  EXPECT_EQ(lines[2],
            "TER|nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0 = 33.3");
  // Right-aligned on " = ".
  EXPECT_EQ(lines[0].find(" = "), lines[2].find(" = "));
  EXPECT_EQ(lines[1].find(" = "), lines[2].find(" = "));
}

TEST(BleuCli, JsonHasSacrebleusFields) {
  TempDir dir;
  write_file(dir / "ref.txt", "a b c\n");
  const auto r = run_nmt("bleu --json -m bleu,chrf -r " + dir / "ref.txt", "b c a\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["name"], "BLEU");
  EXPECT_EQ(j[0]["score"], 0.0);
  EXPECT_EQ(j[0]["signature"], kBleuSig);
  EXPECT_EQ(j[0]["verbose_score"],
            "100.0/50.0/50.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 3 ref_len = 3)");
  EXPECT_EQ(j[0]["nrefs"], "1");
  EXPECT_EQ(j[0]["tok"], "13a");
  EXPECT_EQ(j[0]["smooth"], "exp");
  EXPECT_EQ(j[0]["version"], "2.4.0");
  EXPECT_EQ(j[1]["name"], "chrF2");
  EXPECT_EQ(j[1]["score"], 50.0);
  EXPECT_EQ(j[1]["nw"], "0");
  EXPECT_FALSE(j[1].contains("verbose_score"));
}

TEST(BleuCli, SentenceLevelPrintsOneLinePerHypothesis) {
  TempDir dir;
  write_file(dir / "ref.txt", "a b c\nthe cat\n");
  // Line 1: effective order 3: 100 * (1 * 1/2 * 1/2)^(1/3) = 62.996 -> 63.0. Line 2: 100.
  const auto r = run_nmt("bleu --sentence -r " + dir / "ref.txt", "b c a\nthe cat\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("eff:yes|tok:13a|smooth:exp|version:2.4.0 = 63.0 "), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(" = 100.0 "), std::string::npos) << lines[1];
  // Several metrics at once are refused in sentence mode, as in sacreBLEU (usage error).
  EXPECT_EQ(run_nmt("bleu --sentence -m bleu,chrf -r " + dir / "ref.txt", "a\nb\n").exit_code, 2);
}

TEST(BleuCli, MultipleReferencesAndOptionsShowInTheSignature) {
  TempDir dir;
  write_file(dir / "ref1.txt", "the cat sat on the mat\n");
  write_file(dir / "ref2.txt", "there is a cat on the mat\n");
  // Hand-computed in Bleu.MultipleReferencesClipByTheBestReference: 100 * 40^(-1/4) = 39.76.
  const auto r = run_nmt("bleu -w 2 -r " + dir / "ref1.txt" + " -r " + dir / "ref2.txt",
                         "the cat is on the mat\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0 = 39.76 "),
            std::string::npos)
      << r.out;
  const auto lc =
      run_nmt("bleu -b --lowercase --tokenize intl --smooth floor --smooth-value 0.2 -r " +
                  dir / "ref1.txt",
              "THE CAT SAT ON THE MAT\n");
  EXPECT_EQ(lc.out, "100.0\n") << lc.err;
}

TEST(BleuCli, LineCountMismatchNamesBothFilesAndCounts) {
  TempDir dir;
  write_file(dir / "ref.txt", "a\nb\nc\n");
  write_file(dir / "hyp.txt", "a\nb\n");
  const auto r = run_nmt("bleu -r " + dir / "ref.txt" + " -i " + dir / "hyp.txt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(dir / "hyp.txt" + " has 2 lines"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(dir / "ref.txt" + " has 3"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(BleuCli, InvalidUtf8NamesFileAndLine) {
  TempDir dir;
  write_file(dir / "ref.txt", "a\nb\n");
  write_file(dir / "hyp.txt", "a\nb \xff\n");
  const auto r = run_nmt("bleu -r " + dir / "ref.txt" + " -i " + dir / "hyp.txt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir / "hyp.txt" + ":2: invalid UTF-8"), std::string::npos) << r.err;
  // From stdin the source is called stdin.
  const auto s = run_nmt("bleu -r " + dir / "ref.txt", "\xc3\nb\n");
  EXPECT_NE(s.err.find("stdin:1: invalid UTF-8"), std::string::npos) << s.err;
}

TEST(BleuCli, MissingFileAndEmptyReferenceLineAreErrors) {
  TempDir dir;
  const auto missing = run_nmt("bleu -r " + dir / "nope.txt", "a\n");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(dir / "nope.txt"), std::string::npos) << missing.err;
  write_file(dir / "ref.txt", "a\n   \n");  // whitespace only: empty after rstrip
  const auto empty = run_nmt("bleu -r " + dir / "ref.txt", "a\nb\n");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find(dir / "ref.txt" + ":2: empty reference line"), std::string::npos)
      << empty.err;
  EXPECT_EQ(run_nmt("bleu", "a\n").exit_code, 2);  // -r is required
  EXPECT_EQ(run_nmt("bleu --smooth add-n -r " + dir / "ref.txt", "a\n").exit_code, 2);
}
