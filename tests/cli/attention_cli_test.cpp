// End-to-end: `nmt attention` on a tiny real run directory (SentencePiece model + untrained
// transformer or rnn checkpoint), as an HTML page and as one SVG, its option errors, and the
// outputs opening cleanly in headless Chromium.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "nmt/text/tokenizer.h"
#include "support/chromium.h"
#include "support/run_command.h"
#include "support/tiny_run.h"

using nmt::test::read_file;
using nmt::test::run_nmt;
using nmt::test::TempDir;

namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size()))
    ++n;
  return n;
}

// When NMT_KEEP_OUTPUT names a directory, a test copies what it made there (for docs screenshots).
void keep(const std::string& path, const std::string& name) {
  if (const char* dir = std::getenv("NMT_KEEP_OUTPUT"))
    nmt::test::write_file(std::string(dir) + "/" + name, read_file(path));
}

const char* kInput = "the dog runs over green grass .\na man sits on the street .\n";

}  // namespace

TEST(AttentionCli, DrawsCrossAndSelfAttentionPerSentence) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  const auto r = run_nmt("attention -m " + run.path + " -o " + run / "a.html", kInput);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(run / "a.html");
  keep(run / "a.html", "attention.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<section class=\"example\""), 2u);
  // Per sentence: cross-attention (mean of heads), encoder and decoder self-attention, last layer.
  EXPECT_EQ(count(html, ">cross-attention \u00b7 layer 2/2 \u00b7 mean of 2 heads</text>"), 2u);
  EXPECT_EQ(count(html, ">encoder self-attention \u00b7 layer 2/2 \u00b7 mean of 2 heads</text>"),
            2u);
  EXPECT_EQ(count(html, ">decoder self-attention \u00b7 layer 2/2 \u00b7 mean of 2 heads</text>"),
            2u);
  // The source pieces label the columns.
  const nmt::Tokenizer tok(run / "spm.model");
  for (const auto& piece : tok.encode_pieces("the dog runs over green grass ."))
    EXPECT_NE(html.find(">" + piece + "</text>"), std::string::npos) << piece;
  EXPECT_NE(html.find("the dog runs over green grass ."), std::string::npos);
  EXPECT_NE(r.err.find("wrote " + run / "a.html"), std::string::npos) << r.err;
}

TEST(AttentionCli, PerLayerAndHeadOnRequestAndForcedTargets) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  auto r = run_nmt(
      "attention -m " + run / "checkpoints/best.pt" + " --all-layers --all-heads --no-self -o -",
      "the dog .\tder Hund .\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* title : {"layer 1/2 \u00b7 mean of 2 heads", "layer 1/2 \u00b7 head 1/2",
                            "layer 1/2 \u00b7 head 2/2", "layer 2/2 \u00b7 mean of 2 heads",
                            "layer 2/2 \u00b7 head 1/2", "layer 2/2 \u00b7 head 2/2"})
    EXPECT_EQ(count(r.out, std::string(">cross-attention \u00b7 ") + title + "</text>"), 1u)
        << title;
  EXPECT_EQ(r.out.find("self-attention"), std::string::npos);
  EXPECT_NE(r.out.find("target given (forced)"), std::string::npos);
  EXPECT_NE(r.out.find("der Hund ."), std::string::npos);

  r = run_nmt("attention -m " + run.path + " --layer 1 --head 2 --no-self -o -", "the dog .\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(r.out, ">cross-attention \u00b7 layer 1/2 \u00b7 head 2/2</text>"), 1u);
  EXPECT_EQ(count(r.out, "<g class=\"cells\">"), 1u);
}

TEST(AttentionCli, RnnGetsCrossAttentionAndANoteAsOneSvg) {
  TempDir run;
  nmt::test::write_tiny_run(run.path, {"rnn", "none"});
  const auto r = run_nmt("attention -m " + run.path + " -o " + run / "a.svg", kInput);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = read_file(run / "a.svg");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(count(svg, "<g class=\"cells\">"), 2u);
  EXPECT_EQ(count(svg, "no self-attention to draw"), 2u);
  EXPECT_NE(svg.find("cross-attention \u00b7 layer 1/1 \u00b7 1 head"), std::string::npos);
}

TEST(AttentionCli, BadOptionsAndInputsAreNamed) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  auto r = run_nmt("attention -m " + run.path + " -o " + run / "a.png", kInput);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".html or .svg"), std::string::npos) << r.err;
  r = run_nmt("attention -m " + run.path + " --layer 3 -o -", kInput);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layer 3"), std::string::npos) << r.err;
  r = run_nmt("attention -m " + run / "missing" + " -o -", kInput);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing does not exist"), std::string::npos) << r.err;
  r = run_nmt("attention -m " + run.path + " -o -", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("stdin: no sentences"), std::string::npos) << r.err;
  EXPECT_EQ(run_nmt("attention -o -", kInput).exit_code, 2);  // -m is required
}

TEST(AttentionCli, OutputsOpenInChromiumWithoutErrors) {
  NMT_REQUIRE_CHROMIUM();
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  for (const char* name : {"a.html", "a.svg"}) {
    ASSERT_EQ(run_nmt("attention -m " + run.path + " -o " + run / name, kInput).exit_code, 0);
    const auto b = nmt::test::run_chromium(run / name);
    ASSERT_EQ(b.exit_code, 0) << b.log;
    EXPECT_EQ(nmt::test::console_errors(b.log), "") << name;
    EXPECT_EQ(b.dom.find("parsererror"), std::string::npos) << name;
    EXPECT_GT(b.screenshot.size(), 10000u) << name;
  }
}
