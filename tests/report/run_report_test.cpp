// The report of a tiny real run directory (SentencePiece model, untrained checkpoint, metrics log,
// validation files): every section is filled from the files, including validation translations
// with the model's own cross-attention and the positional table it uses.
#include <gtest/gtest.h>

#include "nmt/corpus/line_reader.h"
#include "nmt/report/html_report.h"
#include "nmt/report/run_report.h"
#include "nmt/text/tokenizer.h"
#include "nmt/util/error.h"
#include "support/tiny_run.h"
#include "svg_test_util.h"

using namespace nmt::report;
using nmt::test::count;
using nmt::test::TempDir;

TEST(RunReport, FillsEverySectionFromATinyRun) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  RunReportOptions o;
  o.examples = 2;
  const ReportData d = collect_report_data(run.path, o);
  EXPECT_EQ(d.best_checkpoint, run.path + "/checkpoints/best.pt");
  EXPECT_EQ(d.events.size(), 12u + 3u);
  EXPECT_GT(d.parameter_count, 1000);
  EXPECT_NE(d.parameter_summary.find("transformer"), std::string::npos);
  ASSERT_TRUE(d.positional.has_value());
  EXPECT_EQ(d.positional->kind, "sinusoidal");
  EXPECT_EQ(d.positional->values.cols, 16);  // d_model

  // The examples are the first validation lines, translated by the model, with their attention
  // labelled by the pieces the model saw.
  const nmt::Tokenizer tok(run / "spm.model");
  const auto src = nmt::read_lines(run / "valid.src");
  const auto ref = nmt::read_lines(run / "valid.tgt");
  ASSERT_EQ(d.examples.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const ReportExample& ex = d.examples[i];
    EXPECT_EQ(ex.source, src[i]);
    EXPECT_EQ(ex.reference, ref[i]);
    auto pieces = tok.encode_pieces(src[i]);
    pieces.push_back("</s>");
    EXPECT_EQ(ex.cross_attention.col_labels, pieces);
    EXPECT_EQ(ex.cross_attention.weights.cols, static_cast<int64_t>(pieces.size()));
    EXPECT_EQ(ex.cross_attention.weights.rows,
              static_cast<int64_t>(ex.cross_attention.row_labels.size()));
    EXPECT_EQ(ex.cross_attention.row_labels.back(), "</s>");
    EXPECT_NE(ex.cross_attention.title.find("layer 2/2"), std::string::npos);
    for (int64_t r = 0; r < ex.cross_attention.weights.rows; ++r) {
      double sum = 0;
      for (int64_t c = 0; c < ex.cross_attention.weights.cols; ++c)
        sum += ex.cross_attention.weights.at(r, c);
      EXPECT_NEAR(sum, 1.0, 1e-4);
    }
  }

  const std::string html = html_report(d);
  for (const char* id : {"summary", "curves", "best", "config", "examples", "positional"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_EQ(count(html, "<h3>Example "), 2u);
  EXPECT_NE(html.find("id=\"attention-2-scale\""), std::string::npos);
  EXPECT_NE(html.find("best (step 400)"), std::string::npos);
  EXPECT_NE(html.find("sinusoidal positional encoding"), std::string::npos);
  EXPECT_LT(html.size(), 400u * 1024u);
}

TEST(RunReport, RnnAndLearnedPositionsAreDrawnToo) {
  TempDir rnn_run, learned_run;
  nmt::test::write_tiny_run(rnn_run.path, {"rnn", "none"});
  const ReportData rnn = collect_report_data(rnn_run.path);
  ASSERT_EQ(rnn.examples.size(), 3u);
  EXPECT_NE(rnn.examples[0].cross_attention.title.find("cross-attention"), std::string::npos);
  EXPECT_FALSE(rnn.positional.has_value());

  nmt::test::write_tiny_run(learned_run.path, {"transformer", "learned"});
  RunReportOptions o;
  o.examples = 0;
  o.positions = 40;
  const ReportData learned = collect_report_data(learned_run.path, o);
  ASSERT_TRUE(learned.positional.has_value());
  EXPECT_EQ(learned.positional->kind, "learned");
  EXPECT_EQ(learned.positional->values.rows, 40);
  EXPECT_EQ(learned.positional->values.cols, 16);
  EXPECT_TRUE(learned.examples.empty());
}

TEST(RunReport, MissingPiecesBecomeNotesNotErrors) {
  TempDir run;
  nmt::test::write_tiny_run(run.path);
  std::remove((run / "spm.model").c_str());
  const ReportData no_vocab = collect_report_data(run.path);
  EXPECT_GT(no_vocab.parameter_count, 0);  // the model alone still gives its size
  EXPECT_TRUE(no_vocab.examples.empty());
  ASSERT_FALSE(no_vocab.notes.empty());
  EXPECT_NE(no_vocab.notes.back().find("no vocabulary"), std::string::npos)
      << no_vocab.notes.back();

  TempDir bare;
  nmt::test::write_tiny_run(bare.path,
                            {"transformer", "sinusoidal", /*metrics=*/false, /*checkpoint=*/false});
  const ReportData d = collect_report_data(bare.path);
  EXPECT_EQ(d.parameter_count, 0);
  EXPECT_TRUE(d.positional.has_value());  // sinusoids need only the config
  EXPECT_GE(d.notes.size(), 2u);          // no metrics, no checkpoint
  EXPECT_THROW(collect_report_data(bare / "nonexistent"), nmt::DataError);
}
