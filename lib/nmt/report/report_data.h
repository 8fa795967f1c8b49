// Everything a training report shows, as plain data. run_report.h fills it from a run directory
// (and, when a checkpoint exists, from the model); html_report.h renders it. Keeping the two
// apart lets the renderer be tested on synthetic data without LibTorch or a trained model.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmt/report/attention_figure.h"
#include "nmt/report/matrix.h"
#include "nmt/report/metrics_log.h"

namespace nmt::report {

// One validation sentence, its translation and where the decoder looked.
struct ReportExample {
  std::string source;      // source sentence (text)
  std::string reference;   // reference translation ("" = none)
  std::string hypothesis;  // the model's translation (text)
  AttentionFigure
      cross_attention;  // rows: produced pieces + "</s>"; columns: source pieces + "</s>"
};

// The positional encodings the model adds to (or concatenates with) its embeddings.
struct PositionalPicture {
  std::string kind;  // "sinusoidal" | "learned"
  Matrix values;     // [positions, dimensions]
  std::string note;  // how it was obtained, e.g. "computed from the sinusoid formula, base 10000"
};

struct ReportData {
  std::string title;                    // usually the run directory's name
  std::string run_dir;                  // as given by the user
  std::string generated;                // local time the report was made, "2024-05-01 12:00"
  nlohmann::json config;                // the resolved config.json (null when missing)
  int64_t parameter_count = 0;          // 0 = unknown (no model could be loaded)
  std::string parameter_summary;        // Seq2SeqImpl::parameter_summary()
  std::vector<MetricEvent> events;      // metrics.jsonl, in file order
  std::string best_checkpoint;          // path of best.pt (or last.pt) when one exists
  std::vector<ReportExample> examples;  // validation translations with cross-attention
  std::optional<PositionalPicture> positional;  // absent for positional = none or no model
  std::vector<std::string> notes;  // things the reader should know (what was skipped, why)
};

}  // namespace nmt::report
