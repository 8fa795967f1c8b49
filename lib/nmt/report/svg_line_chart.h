// Line charts of one or more series over a shared x axis (training steps): axes with nice ticks,
// light grid lines, axis labels, a legend, and an optional log-scaled y axis for loss and
// perplexity. Points whose y is not finite (or not positive on a log axis) break the line.
#pragma once

#include <string>
#include <vector>

namespace nmt::report {

struct Point {
  double x = 0;
  double y = 0;
};

struct Series {
  std::string name;           // legend entry
  std::vector<Point> points;  // drawn in the given order
  bool line = true;           // connect the points with a polyline
  bool markers = false;       // a dot at every point (sparse series such as validations)
  bool dashed = false;        // dashed line (e.g. a secondary series)
  int colour = -1;            // index into series_colour(); -1 = the series' position in the chart
};

struct LineChartOptions {
  std::string title;         // drawn at the top left ("" = none)
  std::string x_label;       // e.g. "step"
  std::string y_label;       // e.g. "loss"
  bool log_y = false;        // log10 y axis (falls back to linear when no value is positive)
  bool y_from_zero = false;  // include 0 in a linear y axis (scores, learning rate)
  double width = 560;        // pixels
  double height = 300;       // pixels
  double margin_left = 64;   // room for y tick labels and the y label
  double margin_right = 20;
  double margin_top = 46;     // room for the title and the legend
  double margin_bottom = 42;  // room for x tick labels and the x label
  double font_size = 12;      // pixels
  size_t max_points = 1500;   // per series; longer series are averaged in equal buckets of points
  std::string id = "chart";   // id of the <svg> element
};

// The complete <svg> element. The plot area spans x in [margin_left, width - margin_right] and
// y in [margin_top, height - margin_bottom]; the axes' domains are the data ranges widened to
// nice ticks, so the first and last ticks sit on the plot area's edges.
std::string svg_line_chart(const std::vector<Series>& series, const LineChartOptions& options);

}  // namespace nmt::report
