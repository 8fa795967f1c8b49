// The HTML report rendered from synthetic data: every section, escaping, self-containment, size.
#include <gtest/gtest.h>

#include "nmt/config/config.h"
#include "nmt/report/html_report.h"
#include "nmt/report/positional_table.h"
#include "svg_test_util.h"
#include "synthetic_run.h"

using namespace nmt::report;
using nmt::test::count;

TEST(HtmlReport, HasEverySection) {
  const std::string html = html_report(nmt::test::synthetic_report_data());
  for (const char* id : {"summary", "curves", "best", "config", "examples", "positional"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 5u + 2u + 1u);  // five charts, two examples, positional encodings
}

TEST(HtmlReport, ShowsTheBestScoresWithSignatures) {
  const std::string html = html_report(nmt::test::synthetic_report_data());
  EXPECT_NE(html.find("best (step 2000)"), std::string::npos);
  EXPECT_NE(html.find("last (step 3000)"), std::string::npos);
  EXPECT_NE(html.find("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0"),
            std::string::npos);
  EXPECT_NE(html.find(">31.20<"), std::string::npos);  // BLEU with two decimals
}

TEST(HtmlReport, ConfigTableMarksChangedValues) {
  const std::string html = html_report(nmt::test::synthetic_report_data());
  // d_model 64 differs from the default 512; heads 4 differs from 8; arch is the default.
  EXPECT_NE(html.find("<td>d_model</td><td class=\"mono changed\">64</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>arch</td><td class=\"mono\">transformer</td>"), std::string::npos);
  EXPECT_NE(html.find("123456"), std::string::npos);  // parameter count
}

TEST(HtmlReport, EscapesUserText) {
  ReportData d = nmt::test::synthetic_report_data();
  d.title = "run <b>&</b>";
  d.examples[0].source = "if a < b && c > d";
  const std::string html = html_report(d);
  EXPECT_NE(html.find("run &lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("if a &lt; b &amp;&amp; c &gt; d"), std::string::npos);
  EXPECT_EQ(html.find("<b>&</b>"), std::string::npos);
}

TEST(HtmlReport, IsSelfContainedAndSmall) {
  const std::string html = html_report(nmt::test::synthetic_report_data());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org"));  // only XML namespaces
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url(http"), std::string::npos);
  EXPECT_LT(html.size(), 400u * 1024);
}

TEST(HtmlReport, SectionsWithoutDataSaySo) {
  ReportData d;
  d.title = "empty";
  const std::string html = html_report(d);
  for (const char* id : {"summary", "curves", "best", "config", "examples", "positional"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_NE(html.find("No validation has been run yet."), std::string::npos);
  EXPECT_NE(html.find("config.json not found."), std::string::npos);
  EXPECT_NE(html.find("No examples"), std::string::npos);
}

TEST(HtmlReport, BestCriterionFollowsTheConfig) {
  ReportData d = nmt::test::synthetic_report_data();
  EXPECT_EQ(best_criterion(d), "bleu");
  d.config["train"]["early_stopping"] = "loss";
  EXPECT_EQ(best_criterion(d), "loss");
  d.config["train"]["early_stopping"] = "ter";  // not logged: fall back
  EXPECT_EQ(best_criterion(d), "bleu");
}

TEST(HtmlReport, LearningCurvesCoverLossScoresLrAndSpeed) {
  const auto charts = learning_curve_charts(nmt::test::synthetic_report_data().events);
  ASSERT_EQ(charts.size(), 5u);
  EXPECT_TRUE(charts[0].options.log_y);    // loss
  ASSERT_EQ(charts[0].series.size(), 2u);  // train + valid
  EXPECT_EQ(charts[0].series[1].points.size(), 3u);
  EXPECT_EQ(charts[2].series[0].name, "BLEU");
  EXPECT_EQ(charts[3].series[0].points.size(), 30u);  // lr at every train event
}

TEST(PositionalTable, MatchesTheSinusoidFormula) {
  const Matrix m = sinusoidal_table(50, 16, 10000.0);
  ASSERT_EQ(m.rows, 50);
  ASSERT_EQ(m.cols, 16);
  EXPECT_FLOAT_EQ(m.at(0, 0), 0.0f);  // sin(0)
  EXPECT_FLOAT_EQ(m.at(0, 1), 1.0f);  // cos(0)
  EXPECT_FLOAT_EQ(m.at(7, 0), std::sin(7.0f));
  EXPECT_FLOAT_EQ(m.at(7, 5), static_cast<float>(std::cos(7.0 / std::pow(10000.0, 4.0 / 16))));
  EXPECT_THROW(sinusoidal_table(10, 0), std::invalid_argument);
}
