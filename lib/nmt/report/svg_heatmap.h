// A matrix drawn as a grid of coloured cells (viridis), with row labels on the left, column labels
// on top (rotated so long pieces stay readable), a colour-scale legend on the right, an optional
// title, axis titles and cell values. Used for attention weights (target pieces x source pieces)
// and positional encodings (positions x dimensions).
//
// Layout, left to right: row labels | cells | colour bar with tick labels. Top to bottom: title |
// column labels | cells. Cell (r, c) is a <rect> with fill = viridis((v - vmin) / (vmax - vmin)).
// Matrices with more cells than `max_vector_cells` are drawn as one embedded PNG instead of
// <rect>s, so a 100 x 512 positional table stays a few tens of KB.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nmt/report/matrix.h"

namespace nmt::report {

struct HeatmapOptions {
  std::string title;                    // drawn above the matrix ("" = none)
  std::vector<std::string> row_labels;  // one per row, or empty for none
  std::vector<std::string> col_labels;  // one per column, or empty for none
  std::string row_axis_title;           // e.g. "target"; drawn vertically left of the row labels
  std::string col_axis_title;           // e.g. "source"; drawn above the column labels
  std::string value_label;              // caption of the colour scale, e.g. "attention weight"
  float vmin = NAN;           // value mapped to the palette's dark end (NaN = matrix minimum)
  float vmax = NAN;           // value mapped to the palette's bright end (NaN = matrix maximum)
  double cell_width = 22.0;   // pixels per column (> 0)
  double cell_height = 22.0;  // pixels per row (> 0)
  double font_size = 12.0;    // label font size in pixels
  double column_label_angle = 60.0;   // degrees above the horizontal for column labels (0..90)
  bool show_values = false;           // print each cell's value (2 decimals) inside it
  bool tooltips = true;               // a <title> per cell: "row / column: value" on hover
  size_t max_label_chars = 24;        // longer labels are cut with "…"
  int64_t row_label_stride = 0;       // label every k-th row (0 = every row that fits the text)
  int64_t col_label_stride = 0;       // label every k-th column (0 = every column that fits)
  long long max_vector_cells = 4096;  // above this many cells, draw them as one embedded PNG
  std::string id = "heatmap";         // prefix of element ids; unique per document when several
                                      // heatmaps are inlined into one HTML page
};

// The complete <svg> element (with xmlns, width, height and viewBox). Throws std::invalid_argument
// when a label list's size does not match the matrix or the options are out of range.
std::string svg_heatmap(const Matrix& values, const HeatmapOptions& options);

// Where svg_heatmap puts things, for callers that stack heatmaps and for tests.
struct HeatmapLayout {
  double width = 0, height = 0;                                // of the whole picture
  double cells_x = 0, cells_y = 0;                             // top-left corner of cell (0, 0)
  double bar_x = 0, bar_y = 0, bar_width = 0, bar_height = 0;  // the colour bar
};
HeatmapLayout heatmap_layout(const Matrix& values, const HeatmapOptions& options);

}  // namespace nmt::report
