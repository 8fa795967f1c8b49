// End-to-end: `nmt report` on a run directory written by the test (config.json + metrics.jsonl in
// the trainer's format), its errors, and the page opening cleanly in headless Chromium.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "nmt/corpus/line_reader.h"
#include "support/chromium.h"
#include "support/run_command.h"
#include "support/tiny_run.h"

using nmt::test::read_file;
using nmt::test::run_nmt;
using nmt::test::TempDir;
using nmt::test::write_file;

namespace {

// A short run: train events every 50 steps, validations every 200, the best BLEU at step 400.
void write_run(const std::string& dir) {
  auto config = run_nmt("config --preset tiny");
  ASSERT_EQ(config.exit_code, 0) << config.err;
  write_file(dir + "/config.json", config.out);
  std::string metrics;
  for (int step = 50; step <= 600; step += 50) {
    char line[400];
    std::snprintf(
        line, sizeof line,
        "{\"event\":\"train\",\"step\":%d,\"epoch\":1,\"loss\":%.3f,\"ppl\":%.3f,\"lr\":%.6f,"
        "\"tgt_tokens_per_s\":%d,\"elapsed_s\":%.1f}\n",
        step, 6.0 - step / 200.0, 400.0 / step, 0.003 * step / 600, 4000 + step, step * 0.5);
    metrics += line;
    if (step % 200 == 0) {
      std::snprintf(
          line, sizeof line,
          "{\"event\":\"valid\",\"step\":%d,\"loss\":%.2f,\"ppl\":%.2f,\"bleu\":%.1f,\"chrf\":%.1f,"
          "\"signature\":\"nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0\"}\n",
          step, 5.0 - step / 300.0, 100.0 / step * 20, step == 400 ? 12.5 : 10.0,
          30.0 + step / 100.0);
      metrics += line;
    }
  }
  write_file(dir + "/metrics.jsonl", metrics);
}

}  // namespace

TEST(ReportCli, WritesReportHtmlIntoTheRunDirectory) {
  TempDir run;
  write_run(run.path);
  const auto r = run_nmt("report " + run.path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(run / "report.html");
  for (const char* id : {"summary", "curves", "best", "config", "examples", "positional"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_NE(html.find("best (step 400)"), std::string::npos);
  EXPECT_NE(html.find("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0"),
            std::string::npos);
  EXPECT_NE(html.find("No checkpoint yet"), std::string::npos);  // said, not silently missing
  EXPECT_NE(html.find("sinusoidal positional encoding"),
            std::string::npos);  // from the config alone
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(r.err.find("wrote " + run.path + "/report.html"), std::string::npos) << r.err;
}

TEST(ReportCli, WritesToAFileOrStdout) {
  TempDir run;
  write_run(run.path);
  auto r = run_nmt("report " + run.path + " --no-model -o " + run / "other.html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(run / "other.html").find("<!DOCTYPE html>"), std::string::npos);
  r = run_nmt("report " + run.path + " --no-model -o -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.out.find("</html>"), std::string::npos);
}

TEST(ReportCli, MissingRunDirectoryIsAnError) {
  const auto r = run_nmt("report /nonexistent/run");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: /nonexistent/run: not a run directory"), std::string::npos) << r.err;
  EXPECT_EQ(run_nmt("report").exit_code, 2);  // RUN_DIR is required
}

TEST(ReportCli, MalformedMetricsLineNamesTheLine) {
  TempDir run;
  write_run(run.path);
  write_file(
      run / "metrics.jsonl",
      "{\"event\":\"train\",\"step\":1,\"loss\":5}\nnot json\n{\"event\":\"train\",\"step\":2}\n");
  const auto r = run_nmt("report " + run.path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("metrics.jsonl:2:"), std::string::npos) << r.err;
}

TEST(ReportCli, ReportOpensInChromiumWithoutErrors) {
  NMT_REQUIRE_CHROMIUM();
  TempDir run;
  write_run(run.path);
  ASSERT_EQ(run_nmt("report " + run.path).exit_code, 0);
  const auto b = nmt::test::run_chromium(run / "report.html");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_EQ(nmt::test::console_errors(b.log), "");
  EXPECT_NE(b.dom.find("Learning curves"), std::string::npos);
  EXPECT_GT(b.screenshot.size(), 10000u);
}

// With a checkpoint and a vocabulary: parameter count, translated validation examples with their
// cross-attention, and the page still opens cleanly.
TEST(ReportCli, RunWithACheckpointShowsExamplesWithAttention) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  const auto r = run_nmt("report " + run.path + " --examples 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(run / "report.html");
  if (const char* keep = std::getenv("NMT_KEEP_OUTPUT"))
    write_file(std::string(keep) + "/report.html", html);
  for (const char* id : {"summary", "curves", "best", "config", "examples", "positional"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_EQ(html.find("No checkpoint yet"), std::string::npos);
  EXPECT_NE(html.find("<h3>Example 2</h3>"), std::string::npos);
  EXPECT_EQ(html.find("<h3>Example 3</h3>"), std::string::npos);
  EXPECT_NE(html.find(">cross-attention \u00b7 layer 2/2 \u00b7 mean of 2 heads</text>"),
            std::string::npos);
  EXPECT_NE(html.find(nmt::read_lines(run / "valid.src")[0]), std::string::npos);
  NMT_REQUIRE_CHROMIUM();
  const auto b = nmt::test::run_chromium(run / "report.html");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_EQ(nmt::test::console_errors(b.log), "");
  EXPECT_EQ(b.dom.find("parsererror"), std::string::npos);
}
