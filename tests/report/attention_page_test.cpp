// `nmt attention` pages: a known 3x4 attention matrix becomes the expected cells, labels and colour
// scale, both as a standalone SVG and inside the HTML page, with per-figure unique ids.
#include <gtest/gtest.h>

#include "nmt/report/attention_page.h"
#include "support/chromium.h"
#include "support/run_command.h"
#include "svg_test_util.h"

using namespace nmt::report;
using nmt::test::attr;
using nmt::test::between;
using nmt::test::count;
using nmt::test::find_all;

namespace {

// Rows are distributions except the values chosen to hit known viridis colours at 0, 0.5 and 1.
AttentionFigure known_figure() {
  AttentionFigure f;
  f.title = "cross-attention \u00b7 layer 2/2 \u00b7 mean of 2 heads";
  f.row_labels = {
      "\xE2\x96\x81"
      "Das",
      "\xE2\x96\x81"
      "Haus",
      "</s>"};
  f.col_labels = {
      "\xE2\x96\x81"
      "The",
      "\xE2\x96\x81"
      "house",
      "\xE2\x96\x81<", "</s>"};
  f.row_axis = "translation";
  f.col_axis = "source";
  f.weights = Matrix::from_rows(
      {{1.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.5f, 0.5f, 0.0f}, {0.0f, 0.0f, 0.0f, 1.0f}});
  return f;
}

std::vector<AttentionSentence> one_sentence() {
  AttentionSentence s;
  s.source = "The house <";
  s.translation = "Das Haus";
  s.figures = {known_figure()};
  s.notes = {"rnn model: no self-attention to draw"};
  return {s};
}

}  // namespace

TEST(AttentionPage, SvgHasTheCellsLabelsAndColourScaleOfA3x4Matrix) {
  const std::string svg = attention_svg(one_sentence());
  ASSERT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  const auto cells = find_all(between(svg, "<g class=\"cells\">", "</g>"), "<rect[^>]*>");
  ASSERT_EQ(cells.size(), 12u);
  // vmin is 0 and the maximum 1: 0 -> viridis' dark end, 0.5 -> its middle, 1 -> its bright end.
  const char* want[12] = {"#fde725", "#440154", "#440154", "#440154", "#440154", "#21918c",
                          "#21918c", "#440154", "#440154", "#440154", "#440154", "#fde725"};
  for (int i = 0; i < 12; ++i) {
    const std::string fill = attr(cells[i], "fill");
    if (i == 5 || i == 6)  // the middle of the palette within 2/255 per channel
      EXPECT_TRUE(fill == "#21918c" || fill == "#21908d" || fill == "#21918d" || fill == "#20918c")
          << fill;
    else
      EXPECT_EQ(fill, want[i]) << "cell " << i;
  }
  const auto rows =
      find_all(between(svg, "<g class=\"row-labels\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const auto cols =
      find_all(between(svg, "<g class=\"col-labels\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  EXPECT_EQ(rows, (std::vector<std::string>{"\xE2\x96\x81"
                                            "Das",
                                            "\xE2\x96\x81"
                                            "Haus",
                                            "&lt;/s&gt;"}));
  EXPECT_EQ(cols, (std::vector<std::string>{"\xE2\x96\x81"
                                            "The",
                                            "\xE2\x96\x81"
                                            "house",
                                            "\xE2\x96\x81&lt;", "&lt;/s&gt;"}));
  // The colour-scale legend runs from 0 to 1 and says what it measures.
  const std::string legend = between(svg, "<g class=\"legend\">", "</g>");
  const auto ticks = find_all(legend, "<text[^>]*>([^<]*)</text>", 1);
  ASSERT_GE(ticks.size(), 3u);
  EXPECT_EQ(ticks.front(), "0.0");
  EXPECT_EQ(ticks[ticks.size() - 2], "1.0");
  EXPECT_EQ(ticks.back(), "attention weight");
  // Caption, note, axis titles and the 3x4 matrix printed cell by cell (small maps show values).
  EXPECT_NE(svg.find("1. The house &lt;  \u2192  Das Haus"), std::string::npos);
  EXPECT_NE(svg.find("no self-attention to draw"), std::string::npos);
  EXPECT_NE(svg.find(">translation</text>"), std::string::npos);
  EXPECT_NE(svg.find(">source</text>"), std::string::npos);
  EXPECT_EQ(count(svg, ">0.5</text>"), 2u);  // compact numbers: 0.5, not 0.50
  // The nested picture is placed by x/y inside the outer one.
  EXPECT_EQ(count(svg, "<svg "), 2u);
}

TEST(AttentionPage, FiguresGetUniqueIdsOnOnePage) {
  auto sentences = one_sentence();
  sentences[0].figures.push_back(known_figure());
  sentences.push_back(sentences[0]);
  const std::string html = attention_html(sentences, "Attention <test>");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>Attention &lt;test&gt;</title>"), std::string::npos);
  for (int i = 1; i <= 4; ++i)
    EXPECT_EQ(count(html, "id=\"attention-" + std::to_string(i) + "-scale\""), 1u) << i;
  EXPECT_EQ(count(html, "<section class=\"example\""), 2u);
  EXPECT_EQ(count(html, "<g class=\"cells\">"), 4u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Nothing is fetched from the network (the SVG namespace URIs are names, not fetches).
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
}

TEST(Browser, AttentionSvgAndHtmlOpenWithoutErrors) {
  NMT_REQUIRE_CHROMIUM();
  nmt::test::TempDir dir;
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"a.svg", attention_svg(one_sentence())},
        {"a.html", attention_html(one_sentence(), "attention")}}) {
    nmt::test::write_file(dir / name, text);
    const auto r = nmt::test::run_chromium(dir / name);
    ASSERT_EQ(r.exit_code, 0) << r.log;
    EXPECT_EQ(nmt::test::console_errors(r.log), "") << name;
    EXPECT_EQ(r.dom.find("parsererror"), std::string::npos) << name;
    EXPECT_GT(r.screenshot.size(), 10000u) << name;
  }
}
