// Filling ReportData from a run directory (written by `nmt train --out RUN_DIR`) and writing
// RUN_DIR/report.html. What is read:
//   config.json            the resolved config (config section; picks the best-checkpoint metric)
//   metrics.jsonl          learning curves, best and last validation
//   checkpoints/best.pt    (else last.pt) the model: parameter count, learned positional table,
//                          and the translations + cross-attention of a few validation sentences
//                          (data.valid_src / valid_tgt, tokenized with RUN_DIR/spm.model)
// Whatever is missing (no checkpoint yet, no validation data) leaves its section empty with a
// note saying why; only an unreadable run directory is an error.
#pragma once

#include <cstdint>
#include <string>

#include "nmt/report/report_data.h"

namespace nmt::report {

struct RunReportOptions {
  int64_t examples = 3;             // validation sentences shown with their attention (0 = none)
  int64_t max_example_pieces = 30;  // sentences with more source pieces are passed over
  int64_t positions = 64;           // positions (rows) in the positional-encoding picture
  bool use_model = true;            // false: no checkpoint is loaded (curves, config, scores only)
  std::string checkpoint;  // file or name in checkpoints/ ("" = checkpoints/best.pt, else last.pt)
};

// Reads everything above. Throws DataError when run_dir is not a directory or metrics.jsonl is
// malformed; a checkpoint that fails to load is reported in ReportData::notes instead.
ReportData collect_report_data(const std::string& run_dir, const RunReportOptions& options = {});

// collect_report_data + html_report, written atomically to `out` ("" = RUN_DIR/report.html).
// Returns the path written. This is what the trainer calls at each validation (train.report).
std::string write_run_report(const std::string& run_dir, const RunReportOptions& options = {},
                             const std::string& out = "");

}  // namespace nmt::report
