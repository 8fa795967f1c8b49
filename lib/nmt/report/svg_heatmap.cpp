#include "nmt/report/svg_heatmap.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "nmt/report/axis.h"
#include "nmt/report/markup.h"
#include "nmt/report/palette.h"
#include "nmt/report/png_image.h"

namespace nmt::report {
namespace {

constexpr double kPad = 8.0;        // blank border around the picture
constexpr double kBarWidth = 14.0;  // colour bar thickness
constexpr double kBarMinHeight = 120.0;
constexpr double kPi = 3.14159265358979323846;

std::vector<std::string> cut_labels(const std::vector<std::string>& labels, size_t max_chars) {
  std::vector<std::string> out;
  out.reserve(labels.size());
  for (const auto& l : labels) out.push_back(truncate_utf8(l, max_chars));
  return out;
}

double widest(const std::vector<std::string>& labels, double font_size) {
  double w = 0.0;
  for (const auto& l : labels) w = std::max(w, text_width(l, font_size));
  return w;
}

// The value range the palette spans: the options' bounds, else the finite extremes of the data.
std::pair<float, float> value_range(const Matrix& m, const HeatmapOptions& o) {
  float lo = INFINITY, hi = -INFINITY;
  for (float v : m.values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = hi = 0.0f;  // all masked
  if (!std::isnan(o.vmin)) lo = o.vmin;
  if (!std::isnan(o.vmax)) hi = o.vmax;
  if (hi <= lo) {  // a constant matrix: put it mid-palette
    lo -= 0.5f;
    hi = lo + 1.0f;
  }
  return {lo, hi};
}

// Show every k-th label when cells are thinner than the text.
int64_t label_stride(double needed, double cell) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(needed / cell - 1e-9)));
}

struct Geometry {
  HeatmapLayout layout;
  std::vector<std::string> rows, cols;
  double angle = 0.0;  // radians
  double tick_label_width = 0.0;
  double title_h = 0.0;  // height taken by the title line
  std::vector<double> bar_ticks;
  float vmin = 0.0f, vmax = 1.0f;
};

Geometry compute(const Matrix& m, const HeatmapOptions& o) {
  if (!o.row_labels.empty() && static_cast<int64_t>(o.row_labels.size()) != m.rows)
    throw std::invalid_argument("svg_heatmap: " + std::to_string(o.row_labels.size()) +
                                " row labels for " + std::to_string(m.rows) + " rows");
  if (!o.col_labels.empty() && static_cast<int64_t>(o.col_labels.size()) != m.cols)
    throw std::invalid_argument("svg_heatmap: " + std::to_string(o.col_labels.size()) +
                                " column labels for " + std::to_string(m.cols) + " columns");
  if (!(o.cell_width > 0) || !(o.cell_height > 0) || !(o.font_size > 0))
    throw std::invalid_argument("svg_heatmap: cell sizes and font size must be positive");
  if (o.column_label_angle < 0 || o.column_label_angle > 90)
    throw std::invalid_argument("svg_heatmap: column_label_angle must be in [0, 90]");

  Geometry g;
  const double fs = o.font_size;
  g.rows = cut_labels(o.row_labels, o.max_label_chars);
  g.cols = cut_labels(o.col_labels, o.max_label_chars);
  g.angle = o.column_label_angle * kPi / 180.0;
  std::tie(g.vmin, g.vmax) = value_range(m, o);
  Axis scale = linear_axis(g.vmin, g.vmax, 4);
  for (double t : scale.ticks)
    if (t >= g.vmin - 1e-6 * (g.vmax - g.vmin) && t <= g.vmax + 1e-6 * (g.vmax - g.vmin))
      g.bar_ticks.push_back(t);
  const double spacing = scale.ticks.size() > 1 ? scale.ticks[1] - scale.ticks[0] : 1.0;
  for (double t : g.bar_ticks)
    g.tick_label_width = std::max(g.tick_label_width, text_width(format_tick(t, spacing), fs));

  g.title_h = o.title.empty() ? 0.0 : fs * 1.3 + 10.0;
  const double title_h = g.title_h;
  const double col_title_h = o.col_axis_title.empty() ? 0.0 : fs + 8.0;
  const double row_title_w = o.row_axis_title.empty() ? 0.0 : fs + 8.0;
  const double row_label_w = g.rows.empty() ? 0.0 : widest(g.rows, fs) + 8.0;
  const double col_w = widest(g.cols, fs);
  const double col_label_h =
      g.cols.empty() ? 0.0 : col_w * std::sin(g.angle) + fs * std::cos(g.angle) + 8.0;
  // Rotated labels lean right: the last one may reach past the cells.
  const double overflow =
      g.cols.empty() ? 0.0 : std::max(0.0, col_w * std::cos(g.angle) - o.cell_width / 2);

  HeatmapLayout& L = g.layout;
  // Whole pixels, so cell edges stay crisp.
  L.cells_x = std::ceil(kPad + row_title_w + row_label_w);
  L.cells_y = std::ceil(kPad + title_h + col_title_h + col_label_h);
  const double cells_w = static_cast<double>(m.cols) * o.cell_width;
  const double cells_h = static_cast<double>(m.rows) * o.cell_height;
  L.bar_x = std::ceil(L.cells_x + cells_w + std::max(16.0, overflow + 8.0));
  L.bar_y = L.cells_y;
  L.bar_width = kBarWidth;
  L.bar_height = std::max(cells_h, kBarMinHeight);
  const double caption_w = o.value_label.empty() ? 0.0 : fs + 8.0;
  L.width = L.bar_x + kBarWidth + 6.0 + g.tick_label_width + caption_w + kPad;
  L.width = std::ceil(std::max(L.width, 2 * kPad + text_width(o.title, fs * 1.2)));
  L.height = std::ceil(std::max(L.cells_y + cells_h, L.bar_y + L.bar_height) + kPad);
  return g;
}

std::string c(double v) { return format_coord(v); }

// Where `v` lies in the palette's range, 0..1.
double palette_position(const Geometry& g, float v) {
  return (static_cast<double>(v) - g.vmin) / (static_cast<double>(g.vmax) - g.vmin);
}

// The <svg> element, the colour bar's gradient, a white background, the title and axis titles.
void write_header(std::ostream& s, const Matrix& m, const Geometry& g, const HeatmapOptions& o,
                  const std::string& id) {
  const HeatmapLayout& L = g.layout;
  const double fs = o.font_size;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
       "id=\""
    << id << "\" width=\"" << c(L.width) << "\" height=\"" << c(L.height) << "\" viewBox=\"0 0 "
    << c(L.width) << ' ' << c(L.height) << "\" font-family=\"sans-serif\" font-size=\"" << c(fs)
    << "\">\n";
  s << "<defs><linearGradient id=\"" << id << "-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
  for (int k = 0; k <= 10; ++k)
    s << "<stop offset=\"" << c(k / 10.0) << "\" stop-color=\"" << hex(viridis(k / 10.0)) << "\"/>";
  s << "</linearGradient></defs>\n";
  s << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  if (!o.title.empty())
    s << "<text class=\"title\" x=\"" << c(kPad) << "\" y=\"" << c(kPad + fs * 1.2)
      << "\" font-size=\"" << c(fs * 1.2) << "\" font-weight=\"bold\">" << escape_xml(o.title)
      << "</text>\n";

  const double cells_w = static_cast<double>(m.cols) * o.cell_width;
  const double cells_h = static_cast<double>(m.rows) * o.cell_height;
  if (!o.col_axis_title.empty())
    s << "<text class=\"axis-title\" x=\"" << c(L.cells_x + cells_w / 2) << "\" y=\""
      << c(kPad + g.title_h + fs) << "\" text-anchor=\"middle\" "
      << "font-style=\"italic\">" << escape_xml(o.col_axis_title) << "</text>\n";
  if (!o.row_axis_title.empty())
    s << "<text class=\"axis-title\" transform=\"translate(" << c(kPad + fs) << ','
      << c(L.cells_y + cells_h / 2)
      << ") rotate(-90)\" text-anchor=\"middle\" font-style=\"italic\">"
      << escape_xml(o.row_axis_title) << "</text>\n";
}

// The cells as one pixel image (PNG): for matrices over o.max_vector_cells.
void write_cell_image(std::ostream& s, const Matrix& m, const Geometry& g,
                      const HeatmapOptions& o) {
  const HeatmapLayout& L = g.layout;
  const double cells_w = static_cast<double>(m.cols) * o.cell_width;
  const double cells_h = static_cast<double>(m.rows) * o.cell_height;
  std::vector<Rgb> pixels(m.values.size());
  for (size_t i = 0; i < m.values.size(); ++i)
    pixels[i] =
        std::isfinite(m.values[i]) ? viridis(palette_position(g, m.values[i])) : Rgb{224, 224, 224};
  s << "<image x=\"" << c(L.cells_x) << "\" y=\"" << c(L.cells_y) << "\" width=\"" << c(cells_w)
    << "\" height=\"" << c(cells_h)
    << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" xlink:href=\""
    << png_data_uri(m.cols, m.rows, pixels) << "\"/>\n";
}

// The cells as one <rect> each, with a tooltip and the value printed on it when asked.
void write_cell_rects(std::ostream& s, const Matrix& m, const Geometry& g,
                      const HeatmapOptions& o) {
  const HeatmapLayout& L = g.layout;
  const double fs = o.font_size;
  const double vfs = std::min(fs * 0.85, o.cell_width / 2.6);
  for (int64_t r = 0; r < m.rows; ++r) {
    for (int64_t col = 0; col < m.cols; ++col) {
      const float v = m.at(r, col);
      const bool finite = std::isfinite(v);
      const Rgb fill = finite ? viridis(palette_position(g, v)) : Rgb{224, 224, 224};
      const double x = L.cells_x + static_cast<double>(col) * o.cell_width;
      const double y = L.cells_y + static_cast<double>(r) * o.cell_height;
      s << "<rect x=\"" << c(x) << "\" y=\"" << c(y) << "\" width=\"" << c(o.cell_width)
        << "\" height=\"" << c(o.cell_height) << "\" fill=\"" << hex(fill) << '"';
      if (o.tooltips) {
        s << "><title>";
        s << escape_xml(g.rows.empty() ? "row " + std::to_string(r) : g.rows[r]) << " / "
          << escape_xml(g.cols.empty() ? "column " + std::to_string(col) : g.cols[col]) << ": "
          << (finite ? format_coord(v, 3) : std::string("masked")) << "</title></rect>";
      } else {
        s << "/>";
      }
      if (o.show_values && finite)
        s << "<text x=\"" << c(x + o.cell_width / 2) << "\" y=\"" << c(y + o.cell_height / 2)
          << "\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"" << c(vfs)
          << "\" fill=\"" << hex(contrasting_text(fill)) << "\">" << format_coord(v, 2)
          << "</text>";
      s << '\n';
    }
  }
}

// Row labels, right-aligned against the cells.
void write_row_labels(std::ostream& s, const Matrix& m, const Geometry& g,
                      const HeatmapOptions& o) {
  const HeatmapLayout& L = g.layout;
  const double fs = o.font_size;
  if (g.rows.empty()) return;
  s << "<g class=\"row-labels\" text-anchor=\"end\" dominant-baseline=\"central\">\n";
  const int64_t stride =
      o.row_label_stride > 0 ? o.row_label_stride : label_stride(fs * 1.1, o.cell_height);
  for (int64_t r = 0; r < m.rows; r += stride)
    s << "<text x=\"" << c(L.cells_x - 6) << "\" y=\"" << c(L.cells_y + (r + 0.5) * o.cell_height)
      << "\">" << escape_xml(g.rows[r]) << "</text>\n";
  s << "</g>\n";
}

// Column labels, rotated about their anchor just above the cells.
void write_column_labels(std::ostream& s, const Matrix& m, const Geometry& g,
                         const HeatmapOptions& o) {
  const HeatmapLayout& L = g.layout;
  const double fs = o.font_size;
  if (g.cols.empty()) return;
  const double deg = o.column_label_angle;
  const bool horizontal = deg < 1.0;
  s << "<g class=\"col-labels\" text-anchor=\"" << (horizontal ? "middle" : "start") << "\">\n";
  const double needed = horizontal ? widest(g.cols, fs) + 4.0 : fs * 1.1 / std::sin(g.angle);
  const int64_t stride =
      o.col_label_stride > 0 ? o.col_label_stride : label_stride(needed, o.cell_width);
  for (int64_t col = 0; col < m.cols; col += stride) {
    const double x = L.cells_x + (col + 0.5) * o.cell_width;
    const double y = L.cells_y - 6;
    s << "<text";
    if (horizontal)
      s << " x=\"" << c(x) << "\" y=\"" << c(y) << '"';
    else
      s << " transform=\"translate(" << c(x) << ',' << c(y) << ") rotate(" << c(-deg)
        << ")\" dominant-baseline=\"central\"";
    s << '>' << escape_xml(g.cols[col]) << "</text>\n";
  }
  s << "</g>\n";
}

// Colour bar: the gradient, a frame, and ticks at nice values of the range.
void write_colour_bar(std::ostream& s, const Geometry& g, const HeatmapOptions& o,
                      const std::string& id) {
  const HeatmapLayout& L = g.layout;
  s << "<g class=\"legend\">\n<rect x=\"" << c(L.bar_x) << "\" y=\"" << c(L.bar_y) << "\" width=\""
    << c(L.bar_width) << "\" height=\"" << c(L.bar_height) << "\" fill=\"url(#" << id
    << "-scale)\" stroke=\"#555\" stroke-width=\"0.5\"/>\n";
  const double spacing = g.bar_ticks.size() > 1 ? g.bar_ticks[1] - g.bar_ticks[0] : 1.0;
  for (double t : g.bar_ticks) {
    const double y = L.bar_y + L.bar_height * (1.0 - palette_position(g, static_cast<float>(t)));
    s << "<line x1=\"" << c(L.bar_x + L.bar_width) << "\" y1=\"" << c(y) << "\" x2=\""
      << c(L.bar_x + L.bar_width + 4) << "\" y2=\"" << c(y) << "\" stroke=\"#555\"/><text x=\""
      << c(L.bar_x + L.bar_width + 6) << "\" y=\"" << c(y) << "\" dominant-baseline=\"central\">"
      << format_tick(t, spacing) << "</text>\n";
  }
  if (!o.value_label.empty())
    s << "<text transform=\"translate(" << c(L.width - kPad - 2) << ','
      << c(L.bar_y + L.bar_height / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
      << escape_xml(o.value_label) << "</text>\n";
  s << "</g>\n";
}

}  // namespace

HeatmapLayout heatmap_layout(const Matrix& values, const HeatmapOptions& options) {
  return compute(values, options).layout;
}

std::string svg_heatmap(const Matrix& m, const HeatmapOptions& o) {
  const Geometry g = compute(m, o);
  const std::string id = escape_xml(o.id);
  std::ostringstream s;
  write_header(s, m, g, o, id);
  s << "<g class=\"cells\">\n";
  if (static_cast<long long>(m.rows) * m.cols > o.max_vector_cells)
    write_cell_image(s, m, g, o);
  else
    write_cell_rects(s, m, g, o);
  s << "</g>\n";
  write_row_labels(s, m, g, o);
  write_column_labels(s, m, g, o);
  write_colour_bar(s, g, o, id);
  s << "</svg>\n";
  return s.str();
}

}  // namespace nmt::report
