// The parts of a run report that need the trained model (internal to run_report.cpp): parameter
// count, the learned positional table, and validation examples with their cross-attention.
#pragma once

#include <string>

#include "nmt/report/report_data.h"
#include "nmt/report/run_report.h"

namespace nmt::report {

// Loads `checkpoint` and adds what it can to `data`; notes what it cannot. Throws on a checkpoint
// that does not load.
void add_model_pictures(ReportData& data, const std::string& run_dir, const std::string& checkpoint,
                        const RunReportOptions& options);

}  // namespace nmt::report
