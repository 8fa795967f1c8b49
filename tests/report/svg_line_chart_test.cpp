// Line charts: axes, ticks, polyline coordinates, log scale, gaps, legend.
#include <gtest/gtest.h>

#include "nmt/report/svg_line_chart.h"
#include "svg_test_util.h"

using namespace nmt::report;
using nmt::test::between;
using nmt::test::count;
using nmt::test::find_all;

namespace {

LineChartOptions options() {
  LineChartOptions o;
  o.title = "Loss";
  o.x_label = "step";
  o.y_label = "loss";
  o.width = 500, o.height = 300;
  o.margin_left = 60, o.margin_right = 20, o.margin_top = 40, o.margin_bottom = 40;
  return o;  // plot area: x 60..480, y 40..260
}

std::vector<std::pair<double, double>> parse_points(const std::string& points) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : find_all(points, "([-0-9.]+),([-0-9.]+)")) {
    const auto comma = p.find(',');
    out.emplace_back(std::stod(p.substr(0, comma)), std::stod(p.substr(comma + 1)));
  }
  return out;
}

}  // namespace

TEST(SvgLineChart, PlacesPointsOnTheAxes) {
  // Data 0..100 x 0..10 fills nice domains exactly, so the corners are the plot area's corners.
  Series s{"train", {{0, 0}, {50, 5}, {100, 10}}};
  const std::string svg = svg_line_chart({s}, options());
  const auto lines = find_all(svg, "<polyline[^>]*points=\"([^\"]*)\"", 1);
  ASSERT_EQ(lines.size(), 1u);
  const auto pts = parse_points(lines[0]);
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_DOUBLE_EQ(pts[0].first, 60);
  EXPECT_DOUBLE_EQ(pts[0].second, 260);
  EXPECT_DOUBLE_EQ(pts[1].first, 270);
  EXPECT_DOUBLE_EQ(pts[1].second, 150);
  EXPECT_DOUBLE_EQ(pts[2].first, 480);
  EXPECT_DOUBLE_EQ(pts[2].second, 40);
}

TEST(SvgLineChart, DrawsAxesWithNiceTicks) {
  Series s{"train", {{0, 0}, {50, 5}, {100, 10}}};
  const std::string svg = svg_line_chart({s}, options());
  const auto x_labels =
      find_all(between(svg, "<g class=\"x-axis\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const auto y_labels =
      find_all(between(svg, "<g class=\"y-axis\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const std::vector<std::string> want_x = {"0", "20", "40", "60", "80", "100", "step"};
  const std::vector<std::string> want_y = {"0", "2", "4", "6", "8", "10", "loss"};
  EXPECT_EQ(x_labels, want_x);
  EXPECT_EQ(y_labels, want_y);
  // Tick 50 would be at x=270; tick 40 is at 60 + 0.4 * 420 = 228.
  EXPECT_NE(svg.find("<text x=\"228\" y=\""), std::string::npos);
  // y tick 4 at 260 - 0.4 * 220 = 172.
  EXPECT_NE(svg.find("y=\"172\" dominant-baseline=\"central\">4</text>"), std::string::npos);
}

TEST(SvgLineChart, LogScaleSpacesDecadesEvenly) {
  LineChartOptions o = options();
  o.log_y = true;
  Series s{"ppl", {{0, 1}, {50, 10}, {100, 100}}};
  const std::string svg = svg_line_chart({s}, o);
  const auto pts = parse_points(find_all(svg, "points=\"([^\"]*)\"", 1).at(0));
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_DOUBLE_EQ(pts[0].second, 260);
  EXPECT_DOUBLE_EQ(pts[1].second, 150);  // 10 is halfway between 1 and 100
  EXPECT_DOUBLE_EQ(pts[2].second, 40);
  EXPECT_NE(svg.find("loss (log scale)"), std::string::npos);
  const auto y_labels =
      find_all(between(svg, "<g class=\"y-axis\"", "</g>"), "<text[^>]*>([^<]*)</text>", 1);
  const std::vector<std::string> want = {"1", "10", "100", "loss (log scale)"};
  EXPECT_EQ(y_labels, want);
}

TEST(SvgLineChart, NonFiniteValuesBreakTheLine) {
  Series s{"loss", {{0, 1}, {10, 2}, {20, NAN}, {30, 3}, {40, 4}}};
  const std::string svg = svg_line_chart({s}, options());
  EXPECT_EQ(find_all(svg, "<polyline").size(), 2u);
}

TEST(SvgLineChart, LegendNamesEverySeriesInItsColour) {
  Series train{"train & co", {{0, 3}, {100, 2}}};
  Series valid{"valid", {{50, 2.5}, {100, 2.2}}};
  valid.markers = true;
  const std::string svg = svg_line_chart({train, valid}, options());
  EXPECT_EQ(count(svg, "class=\"legend-item\""), 2u);
  EXPECT_NE(svg.find(">train &amp; co</text>"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#0072b2\""), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#d55e00\""), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 2u + 1u);  // two markers + the legend's dot
}

TEST(SvgLineChart, LongSeriesAreDecimated) {
  Series s{"loss", {}};
  for (int i = 0; i < 10000; ++i) s.points.push_back({static_cast<double>(i), 1.0 + (i % 7)});
  LineChartOptions o = options();
  o.max_points = 500;
  const std::string svg = svg_line_chart({s}, o);
  const auto pts = parse_points(find_all(svg, "points=\"([^\"]*)\"", 1).at(0));
  EXPECT_LE(pts.size(), 500u);
  EXPECT_GE(pts.size(), 490u);
}

TEST(SvgLineChart, EmptyChartSaysSo) {
  const std::string svg = svg_line_chart({Series{"bleu", {}}}, options());
  EXPECT_NE(svg.find("no data yet"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 0u);
}
