// A training run as one self-contained HTML5 page: inline CSS and SVG only (no scripts, no
// network, no external fonts), so it can be mailed, archived or opened from a file:// URL.
//
// Sections (each a <section id="...">, linked from the page's navigation):
//   summary     steps, epochs, time, best scores, parameter count
//   curves      training/validation loss and perplexity (log scale), BLEU and chrF, learning
//               rate, target tokens per second, all over optimizer steps
//   best        the best validation's scores with their sacreBLEU signatures, and the last one
//   config      the resolved configuration (values that differ from nmt's defaults in bold)
//   examples    validation translations with their cross-attention heatmaps
//   positional  a heatmap of the positional encodings (positions x dimensions)
// A section without data says so instead of disappearing, so a reader knows what is missing.
#pragma once

#include <string>
#include <vector>

#include "nmt/report/report_data.h"
#include "nmt/report/svg_line_chart.h"

namespace nmt::report {

// The whole page.
std::string html_report(const ReportData& data);

// The learning-curve charts html_report draws, as (section heading, series, options); exposed for
// tests and for callers that want the charts alone.
struct ChartSpec {
  std::vector<Series> series;
  LineChartOptions options;
};
std::vector<ChartSpec> learning_curve_charts(const std::vector<MetricEvent>& events);

// The metric that picks the best checkpoint: the config's train.early_stopping when the
// validations carry it, else bleu, else loss.
std::string best_criterion(const ReportData& data);

// Page skeleton shared with `nmt attention`: <!DOCTYPE html>, <head> with the inline stylesheet
// and `title`, and the closing tags around `body`.
std::string html_page(const std::string& title, const std::string& body);

}  // namespace nmt::report
