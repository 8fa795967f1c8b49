// The generated SVG and HTML load in a real browser (headless Chromium) without parse or console
// errors and render something. Skipped when Chromium is not installed.
#include <gtest/gtest.h>

#include "nmt/report/html_report.h"
#include "nmt/report/svg_heatmap.h"
#include "support/chromium.h"
#include "support/run_command.h"
#include "synthetic_run.h"

using namespace nmt::report;
using nmt::test::TempDir;

namespace {

// Loads the file in Chromium: no XML parse errors, no console messages, and a non-blank rendering.
void expect_opens_cleanly(const std::string& path) {
  const auto r = nmt::test::run_chromium(path);
  ASSERT_EQ(r.exit_code, 0) << r.log;
  EXPECT_EQ(nmt::test::console_errors(r.log), "");
  // Chromium turns malformed XML into a page holding a <parsererror> element.
  EXPECT_EQ(r.dom.find("parsererror"), std::string::npos) << r.dom.substr(0, 2000);
  EXPECT_EQ(r.dom.find("This page contains the following errors"), std::string::npos);
  ASSERT_GT(r.screenshot.size(), 10000u) << "blank or missing screenshot";
  EXPECT_EQ(r.screenshot.substr(1, 3), "PNG");
}

}  // namespace

TEST(Browser, HeatmapSvgOpensWithoutErrors) {
  NMT_REQUIRE_CHROMIUM();
  const auto data = nmt::test::synthetic_report_data();
  HeatmapOptions o;
  o.title = "Cross-attention <&>";
  o.row_labels = data.examples[1].cross_attention.row_labels;
  o.col_labels = data.examples[1].cross_attention.col_labels;
  o.show_values = true;
  TempDir dir;
  nmt::test::write_file(dir / "heatmap.svg",
                        svg_heatmap(data.examples[1].cross_attention.weights, o));
  expect_opens_cleanly(dir / "heatmap.svg");
}

// The checks above can fail: a malformed SVG and a page with a script error are caught.
TEST(Browser, DetectsBrokenDocuments) {
  NMT_REQUIRE_CHROMIUM();
  TempDir dir;
  nmt::test::write_file(dir / "bad.svg",
                        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a < b</text></svg>");
  EXPECT_NE(nmt::test::run_chromium(dir / "bad.svg").dom.find("parsererror"), std::string::npos);
  nmt::test::write_file(dir / "bad.html",
                        "<!DOCTYPE html><title>t</title><script>no_such_function();</script>");
  EXPECT_NE(nmt::test::console_errors(nmt::test::run_chromium(dir / "bad.html").log), "");
}

TEST(Browser, ReportHtmlOpensWithoutErrors) {
  NMT_REQUIRE_CHROMIUM();
  TempDir dir;
  nmt::test::write_file(dir / "report.html", html_report(nmt::test::synthetic_report_data()));
  expect_opens_cleanly(dir / "report.html");
}
