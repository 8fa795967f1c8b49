// Heatmaps: cells and colours, labels, the colour-scale legend, escaping, the raster mode.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdlib>

#include "nmt/report/png_image.h"
#include "nmt/report/svg_heatmap.h"
#include "svg_test_util.h"

using namespace nmt::report;
using nmt::test::attr;
using nmt::test::between;
using nmt::test::count;
using nmt::test::find_all;

namespace {

// Values chosen so each cell's colour is a known matplotlib viridis value (min 0, max 1).
Matrix known_3x4() {
  return Matrix::from_rows(
      {{0.0f, 0.25f, 0.5f, 0.75f}, {1.0f, 0.1f, 0.2f, 0.3f}, {0.4f, 0.6f, 0.7f, 0.9f}});
}
// matplotlib.cm.viridis at the values above, row-major.
const char* kExpectedFill[12] = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#482475",
                                 "#414487", "#355f8d", "#2a788e", "#22a884", "#44bf70", "#bddf26"};

int channel_distance(const std::string& a, const std::string& b) {
  const long x = std::strtol(a.c_str() + 1, nullptr, 16),
             y = std::strtol(b.c_str() + 1, nullptr, 16);
  int d = 0;
  for (int shift : {16, 8, 0})
    d = std::max(d, static_cast<int>(std::labs(((x >> shift) & 255) - ((y >> shift) & 255))));
  return d;
}

HeatmapOptions labelled() {
  HeatmapOptions o;
  o.title = "Cross-attention";
  o.row_labels = {
      "\xE2\x96\x81"
      "Das",
      "\xE2\x96\x81"
      "Haus",
      "</s>"};
  o.col_labels = {
      "\xE2\x96\x81"
      "The",
      "\xE2\x96\x81"
      "house",
      "\xE2\x96\x81<", "</s>"};
  o.value_label = "attention weight";
  return o;
}

}  // namespace

TEST(SvgHeatmap, DrawsOneCellPerEntryWithPaletteColours) {
  const Matrix m = known_3x4();
  const HeatmapOptions o = labelled();
  const std::string svg = svg_heatmap(m, o);
  const auto cells = find_all(between(svg, "<g class=\"cells\">", "</g>"), "<rect[^>]*>");
  ASSERT_EQ(cells.size(), 12u);
  const HeatmapLayout L = heatmap_layout(m, o);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) {
      const std::string& cell = cells[r * 4 + c];
      const std::string fill = attr(cell, "fill");
      // The ends are exact; inner values within 2/255 of matplotlib's table.
      if (r * 4 + c == 0 || r * 4 + c == 4)
        EXPECT_EQ(fill, kExpectedFill[r * 4 + c]);
      else
        EXPECT_LE(channel_distance(fill, kExpectedFill[r * 4 + c]), 2)
            << fill << " vs " << kExpectedFill[r * 4 + c];
      EXPECT_DOUBLE_EQ(std::stod(attr(cell, "x")), L.cells_x + c * o.cell_width);
      EXPECT_DOUBLE_EQ(std::stod(attr(cell, "y")), L.cells_y + r * o.cell_height);
      EXPECT_EQ(attr(cell, "width"), "22");
    }
}

TEST(SvgHeatmap, ExplicitRangeClampsColours) {
  HeatmapOptions o;
  o.vmin = 0.0f;
  o.vmax = 0.5f;
  const std::string svg = svg_heatmap(known_3x4(), o);
  const auto fills =
      find_all(between(svg, "<g class=\"cells\">", "</g>"), "fill=\"(#[0-9a-f]{6})\"", 1);
  ASSERT_EQ(fills.size(), 12u);
  EXPECT_EQ(fills[2], "#fde725");  // 0.5 is the top of the range
  EXPECT_EQ(fills[4], "#fde725");  // 1.0 is clamped to it
  EXPECT_EQ(fills[0], "#440154");
}

TEST(SvgHeatmap, LabelsRowsAndColumnsWithEscapedPieces) {
  const std::string svg = svg_heatmap(known_3x4(), labelled());
  const auto rows =
      find_all(between(svg, "<g class=\"row-labels\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const auto cols =
      find_all(between(svg, "<g class=\"col-labels\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const std::vector<std::string> want_rows = {
      "\xE2\x96\x81"
      "Das",
      "\xE2\x96\x81"
      "Haus",
      "&lt;/s&gt;"};
  const std::vector<std::string> want_cols = {
      "\xE2\x96\x81"
      "The",
      "\xE2\x96\x81"
      "house",
      "\xE2\x96\x81&lt;", "&lt;/s&gt;"};
  EXPECT_EQ(rows, want_rows);
  EXPECT_EQ(cols, want_cols);
  // Column labels are rotated so long pieces do not collide.
  EXPECT_NE(svg.find("rotate(-60)"), std::string::npos);
  EXPECT_NE(svg.find(">Cross-attention</text>"), std::string::npos);
  // No raw markup from the labels leaks into the document.
  EXPECT_EQ(svg.find("<\xE2\x96\x81"), std::string::npos);
  EXPECT_EQ(count(svg, "</s>"), 0u);
}

TEST(SvgHeatmap, LegendShowsTheColourScale) {
  const std::string svg = svg_heatmap(known_3x4(), labelled());
  const std::string grad =
      between(svg, "<linearGradient id=\"heatmap-scale\"", "</linearGradient>");
  const auto stops = find_all(grad, "stop-color=\"(#[0-9a-f]{6})\"", 1);
  ASSERT_GE(stops.size(), 2u);
  EXPECT_EQ(stops.front(), "#440154");                  // bottom of the bar = minimum
  EXPECT_EQ(stops.back(), "#fde725");                   // top = maximum
  EXPECT_NE(grad.find("y1=\"1\""), std::string::npos);  // the gradient runs upwards
  const std::string legend = between(svg, "<g class=\"legend\">", "</g>");
  EXPECT_NE(legend.find("fill=\"url(#heatmap-scale)\""), std::string::npos);
  const auto ticks = find_all(legend, "<text[^>]*>([^<]*)</text>", 1);
  EXPECT_EQ(ticks.front(), "0.0");  // ticks 0.0, 0.2, ..., 1.0: one precision for the scale
  EXPECT_EQ(ticks[ticks.size() - 2], "1.0");  // the last text is the caption
  EXPECT_EQ(ticks.back(), "attention weight");
  // Tick 0 at the bottom of the bar, 1 at the top.
  const auto ys = find_all(legend, "<text x=\"[^\"]*\" y=\"([^\"]*)\"", 1);
  const HeatmapLayout L = heatmap_layout(known_3x4(), labelled());
  EXPECT_DOUBLE_EQ(std::stod(ys.front()), L.bar_y + L.bar_height);
  EXPECT_DOUBLE_EQ(std::stod(ys[ys.size() - 1]), L.bar_y);
}

TEST(SvgHeatmap, PrintsValuesAndTooltipsWhenAsked) {
  HeatmapOptions o = labelled();
  o.show_values = true;
  const std::string svg = svg_heatmap(known_3x4(), o);
  EXPECT_NE(svg.find(">0.75</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>\xE2\x96\x81"
                     "Das / \xE2\x96\x81"
                     "house: 0.25</title>"),
            std::string::npos);
  // Dark cells get white text, bright ones black.
  EXPECT_NE(svg.find("fill=\"#ffffff\">0</text>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#000000\">1</text>"), std::string::npos);
}

TEST(SvgHeatmap, MaskedCellsAreGrey) {
  Matrix m = known_3x4();
  m.at(0, 1) = NAN;
  const std::string svg = svg_heatmap(m, HeatmapOptions{});
  EXPECT_NE(svg.find("fill=\"#e0e0e0\"><title>row 0 / column 1: masked"), std::string::npos);
}

TEST(SvgHeatmap, RejectsLabelCountMismatch) {
  HeatmapOptions o;
  o.row_labels = {"a", "b"};
  EXPECT_THROW(svg_heatmap(known_3x4(), o), std::invalid_argument);
}

TEST(SvgHeatmap, LargeMatricesBecomeOneEmbeddedPng) {
  Matrix m(60, 100);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) m.at(r, c) = static_cast<float>(c);
  HeatmapOptions o;
  o.cell_width = o.cell_height = 2;
  const std::string svg = svg_heatmap(m, o);
  EXPECT_EQ(count(between(svg, "<g class=\"cells\">", "</g>"), "<rect"), 0u);
  const auto uri = find_all(svg, "xlink:href=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"", 1);
  ASSERT_EQ(uri.size(), 1u);
  EXPECT_LT(svg.size(), 20000u);  // 6000 cells as rects would be ~300 KB
}

TEST(PngImage, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(PngImage, EncodesHeaderAndPixels) {
  const std::vector<Rgb> pixels = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255},
                                   {1, 2, 3},   {4, 5, 6},   {7, 8, 9}};
  const std::string png = encode_png(3, 2, pixels);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(static_cast<unsigned char>(png[19]), 3);  // width (big-endian, low byte)
  EXPECT_EQ(static_cast<unsigned char>(png[23]), 2);  // height
  // Inflate IDAT: two scanlines of filter byte 0 + RGB.
  const auto idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  const uint32_t len = (static_cast<unsigned char>(png[idat - 4]) << 24) |
                       (static_cast<unsigned char>(png[idat - 3]) << 16) |
                       (static_cast<unsigned char>(png[idat - 2]) << 8) |
                       static_cast<unsigned char>(png[idat - 1]);
  std::string raw(2 * (1 + 9), '\0');
  uLongf raw_len = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_len,
                       reinterpret_cast<const Bytef*>(png.data() + idat + 4), len),
            Z_OK);
  EXPECT_EQ(raw,
            std::string("\0\xff\0\0\0\xff\0\0\0\xff\0\x01\x02\x03\x04\x05\x06\x07\x08\x09", 20));
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
  EXPECT_THROW(encode_png(2, 2, pixels), std::invalid_argument);
}
