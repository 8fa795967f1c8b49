// A synthetic training run for report tests: a metrics log shaped like the trainer's (decaying
// loss, rising BLEU/chrF, warm-up then inverse-sqrt learning rate), a small config, and two
// examples with hand-made attention. Used both as ReportData and written out as a run directory.
#pragma once

#include <cmath>
#include <fstream>
#include <string>

#include "nmt/config/config.h"
#include "nmt/report/positional_table.h"
#include "nmt/report/report_data.h"

namespace nmt::test {

// The lines of metrics.jsonl: 30 train events (every 100 steps) and validations at 1000, 2000
// (the best BLEU, 31.2) and 3000.
inline std::string synthetic_metrics_jsonl() {
  std::string out;
  for (int i = 1; i <= 30; ++i) {
    const int step = i * 100;
    const double loss = 2.0 + 6.0 * std::exp(-step / 700.0);
    const double lr = 0.003 * std::min(step / 500.0, std::sqrt(500.0 / step));
    char line[512];
    std::snprintf(
        line, sizeof line,
        "{\"event\":\"train\",\"step\":%d,\"epoch\":%d,\"loss\":%.4f,\"ppl\":%.3f,\"lr\":%.6g,"
        "\"tgt_tokens_per_s\":%.1f,\"elapsed_s\":%.1f}\n",
        step, 1 + step / 1200, loss, std::exp(loss), lr, 5000.0 + 40.0 * (i % 5), step * 0.21);
    out += line;
    if (step % 1000 == 0) {
      const double bleu = step == 2000 ? 31.2 : step == 1000 ? 22.5 : 30.9;
      std::snprintf(
          line, sizeof line,
          "{\"event\":\"valid\",\"step\":%d,\"loss\":%.3f,\"ppl\":%.3f,\"bleu\":%.1f,\"chrf\":%.1f,"
          "\"signature\":\"nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0\","
          "\"chrf_signature\":\"nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0\"}\n",
          step, loss + 0.3, std::exp(loss + 0.3), bleu, bleu + 27.0);
      out += line;
    }
  }
  return out;
}

inline nlohmann::json synthetic_config() {
  nmt::Config c;
  c.model.d_model = 64;
  c.model.heads = 4;
  c.model.ff = 256;
  c.model.encoder_layers = c.model.decoder_layers = 2;
  c.data.vocab_size = 500;
  c.train.max_steps = 3000;
  return nmt::to_json(c);
}

inline report::ReportData synthetic_report_data() {
  report::ReportData d;
  d.title = "synthetic-run";
  d.run_dir = "runs/synthetic-run";
  d.generated = "2024-01-01 00:00";
  d.config = synthetic_config();
  d.parameter_count = 123456;
  d.parameter_summary = "transformer: 0.12M parameters";
  std::string text = synthetic_metrics_jsonl();
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    d.events.push_back(report::parse_metric_event(text.substr(start, end - start)));
    start = end + 1;
  }
  d.best_checkpoint = "runs/synthetic-run/checkpoints/best.pt";
  const std::vector<std::vector<std::string>> pairs[] = {
      {{"\xE2\x96\x81The", "\xE2\x96\x81house", "\xE2\x96\x81is", "\xE2\x96\x81small", ".", "</s>"},
       {"\xE2\x96\x81"
        "Das",
        "\xE2\x96\x81"
        "Haus",
        "\xE2\x96\x81ist", "\xE2\x96\x81klein", ".", "</s>"}},
      {{"\xE2\x96\x81"
        "a",
        "\xE2\x96\x81<",
        "\xE2\x96\x81"
        "b",
        "\xE2\x96\x81&",
        "\xE2\x96\x81"
        "c",
        "</s>"},
       {"\xE2\x96\x81"
        "a",
        "\xE2\x96\x81<",
        "\xE2\x96\x81"
        "b",
        "\xE2\x96\x81und",
        "\xE2\x96\x81"
        "c",
        "</s>"}},
  };
  for (const auto& p : pairs) {
    report::ReportExample ex;
    ex.source = "The house is small.";
    ex.reference = "Das Haus ist klein.";
    ex.hypothesis = "Das Haus ist klein.";
    report::AttentionFigure& f = ex.cross_attention;
    f.title = "cross-attention \u00b7 layer 2/2 \u00b7 mean of 4 heads";
    f.col_labels = p[0];
    f.row_labels = p[1];
    f.row_axis = "translation";
    f.col_axis = "source";
    f.weights = report::Matrix(static_cast<int64_t>(f.row_labels.size()),
                               static_cast<int64_t>(f.col_labels.size()));
    // Mostly diagonal, rows summing to 1.
    for (int64_t r = 0; r < f.weights.rows; ++r)
      for (int64_t c = 0; c < f.weights.cols; ++c)
        f.weights.at(r, c) = r == c ? 0.75f : 0.25f / static_cast<float>(f.weights.cols - 1);
    d.examples.push_back(ex);
  }
  d.positional = report::PositionalPicture{"sinusoidal", report::sinusoidal_table(64, 64, 10000.0),
                                           "computed from the sinusoid formula, base 10000"};
  return d;
}

// Writes config.json and metrics.jsonl of the synthetic run into `dir`.
inline void write_synthetic_run(const std::string& dir) {
  std::ofstream(dir + "/config.json") << synthetic_config().dump(2) << "\n";
  std::ofstream(dir + "/metrics.jsonl") << synthetic_metrics_jsonl();
}

}  // namespace nmt::test
