#include "nmt/report/svg_line_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nmt/report/axis.h"
#include "nmt/report/markup.h"
#include "nmt/report/palette.h"

namespace nmt::report {
namespace {

bool usable(const Point& p, bool log_y) {
  return std::isfinite(p.x) && std::isfinite(p.y) && (!log_y || p.y > 0.0);
}

// Bucket means keep a 100k-step curve's shape in a bounded number of points.
std::vector<Point> decimate(const std::vector<Point>& points, size_t max_points, bool log_y) {
  if (max_points == 0 || points.size() <= max_points) return points;
  const size_t bucket = (points.size() + max_points - 1) / max_points;
  std::vector<Point> out;
  for (size_t i = 0; i < points.size(); i += bucket) {
    double sx = 0, sy = 0;
    size_t n = 0;
    for (size_t k = i; k < std::min(points.size(), i + bucket); ++k)
      if (usable(points[k], log_y)) {
        sx += points[k].x;
        sy += points[k].y;
        ++n;
      }
    out.push_back(n ? Point{sx / n, sy / n} : Point{points[i].x, NAN});
  }
  return out;
}

std::string c(double v) { return format_coord(v); }

// The plot area and its axes, fitted to the usable points of the series.
struct Frame {
  double left, right, top, bottom;  // the plot area, in pixels
  bool log_y;                       // o.log_y, unless no point could be drawn on a log scale
  bool empty;                       // no usable point: a unit frame saying "no data yet"
  Axis xa, ya;
};

// Decimates the series (o.max_points) and fits the axes to what remains.
Frame fit_frame(std::vector<Series>& series, const LineChartOptions& o) {
  const double left = o.margin_left, right = o.width - o.margin_right;
  const double top = o.margin_top, bottom = o.height - o.margin_bottom;
  bool log_y = o.log_y;
  bool any_positive = false;
  for (auto& s : series) {
    for (const auto& p : s.points) any_positive |= usable(p, true);
  }
  if (log_y && !any_positive) log_y = false;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (auto& s : series) {
    s.points = decimate(s.points, o.max_points, log_y);
    for (const auto& p : s.points)
      if (usable(p, log_y)) {
        x_lo = std::min(x_lo, p.x);
        x_hi = std::max(x_hi, p.x);
        y_lo = std::min(y_lo, p.y);
        y_hi = std::max(y_hi, p.y);
      }
  }
  const bool empty = !std::isfinite(x_lo);
  if (empty) {
    x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
    log_y = false;
  }
  if (o.y_from_zero && !log_y) {
    y_lo = std::min(y_lo, 0.0);
    y_hi = std::max(y_hi, 0.0);
  }
  Axis xa = linear_axis(x_lo, x_hi, 6);
  Axis ya = log_y ? log_axis(y_lo, y_hi, 5) : linear_axis(y_lo, y_hi, 5);
  xa.pixel_lo = left, xa.pixel_hi = right;
  ya.pixel_lo = bottom, ya.pixel_hi = top;
  return Frame{left, right, top, bottom, log_y, empty, xa, ya};
}

// The <svg> element, a white background and the title.
void write_header(std::ostream& s, const LineChartOptions& o) {
  const double fs = o.font_size;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" << escape_xml(o.id) << "\" width=\""
    << c(o.width) << "\" height=\"" << c(o.height) << "\" viewBox=\"0 0 " << c(o.width) << ' '
    << c(o.height) << "\" font-family=\"sans-serif\" font-size=\"" << c(fs) << "\">\n";
  s << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  if (!o.title.empty())
    s << "<text class=\"title\" x=\"" << c(o.margin_left) << "\" y=\"" << c(fs * 1.4)
      << "\" font-size=\"" << c(fs * 1.15) << "\" font-weight=\"bold\">" << escape_xml(o.title)
      << "</text>\n";
}

// Grid lines, both axes with their ticks and labels, and "no data yet" on an empty chart.
void write_axes(std::ostream& s, const Frame& f, const LineChartOptions& o) {
  const double fs = o.font_size;
  const double left = f.left, right = f.right, top = f.top, bottom = f.bottom;
  const Axis& xa = f.xa;
  const Axis& ya = f.ya;
  const double x_spacing = xa.ticks.size() > 1 ? xa.ticks[1] - xa.ticks[0] : 1.0;
  const double y_spacing = ya.ticks.size() > 1 ? ya.ticks[1] - ya.ticks[0] : 1.0;
  s << "<g class=\"grid\" stroke=\"#e6e6e6\">\n";
  for (double t : xa.ticks)
    s << "<line x1=\"" << c(xa.map(t)) << "\" y1=\"" << c(top) << "\" x2=\"" << c(xa.map(t))
      << "\" y2=\"" << c(bottom) << "\"/>\n";
  for (double t : ya.ticks)
    s << "<line x1=\"" << c(left) << "\" y1=\"" << c(ya.map(t)) << "\" x2=\"" << c(right)
      << "\" y2=\"" << c(ya.map(t)) << "\"/>\n";
  s << "</g>\n";
  s << "<g class=\"x-axis\" text-anchor=\"middle\">\n<line x1=\"" << c(left) << "\" y1=\""
    << c(bottom) << "\" x2=\"" << c(right) << "\" y2=\"" << c(bottom) << "\" stroke=\"#333\"/>\n";
  for (double t : xa.ticks)
    s << "<line x1=\"" << c(xa.map(t)) << "\" y1=\"" << c(bottom) << "\" x2=\"" << c(xa.map(t))
      << "\" y2=\"" << c(bottom + 4) << "\" stroke=\"#333\"/><text x=\"" << c(xa.map(t))
      << "\" y=\"" << c(bottom + 6 + fs) << "\">" << format_tick(t, x_spacing) << "</text>\n";
  if (!o.x_label.empty())
    s << "<text class=\"axis-label\" x=\"" << c((left + right) / 2) << "\" y=\"" << c(o.height - 6)
      << "\">" << escape_xml(o.x_label) << "</text>\n";
  s << "</g>\n";
  s << "<g class=\"y-axis\" text-anchor=\"end\">\n<line x1=\"" << c(left) << "\" y1=\"" << c(top)
    << "\" x2=\"" << c(left) << "\" y2=\"" << c(bottom) << "\" stroke=\"#333\"/>\n";
  for (double t : ya.ticks)
    s << "<line x1=\"" << c(left - 4) << "\" y1=\"" << c(ya.map(t)) << "\" x2=\"" << c(left)
      << "\" y2=\"" << c(ya.map(t)) << "\" stroke=\"#333\"/><text x=\"" << c(left - 6) << "\" y=\""
      << c(ya.map(t)) << "\" dominant-baseline=\"central\">"
      << format_tick(t, f.log_y ? t : y_spacing) << "</text>\n";
  if (!o.y_label.empty())
    s << "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(" << c(fs) << ','
      << c((top + bottom) / 2) << ") rotate(-90)\">" << escape_xml(o.y_label)
      << (f.log_y ? " (log scale)" : "") << "</text>\n";
  s << "</g>\n";
  if (f.empty)
    s << "<text x=\"" << c((left + right) / 2) << "\" y=\"" << c((top + bottom) / 2)
      << "\" text-anchor=\"middle\" fill=\"#888\">no data yet</text>\n";
}

// One group per series (a polyline per unbroken run of usable points, markers), each followed by
// its legend entry.
void write_series(std::ostream& s, const std::vector<Series>& series, const Frame& f,
                  const LineChartOptions& o) {
  const double fs = o.font_size;
  const bool log_y = f.log_y;
  const Axis& xa = f.xa;
  const Axis& ya = f.ya;
  double legend_x = f.left;
  const double legend_y = o.title.empty() ? fs * 1.4 : fs * 1.4 + fs + 8;
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& sr = series[i];
    const std::string colour =
        hex(series_colour(sr.colour >= 0 ? static_cast<size_t>(sr.colour) : i));
    s << "<g class=\"series\" data-name=\"" << escape_xml(sr.name) << "\" stroke=\"" << colour
      << "\" fill=\"" << colour << "\">\n";
    if (sr.line) {
      std::vector<std::string> runs(1);
      for (const auto& p : sr.points) {
        if (!usable(p, log_y)) {
          if (!runs.back().empty()) runs.emplace_back();
          continue;
        }
        if (!runs.back().empty()) runs.back() += ' ';
        runs.back() += c(xa.map(p.x)) + ',' + c(ya.map(p.y));
      }
      for (const auto& r : runs)
        if (!r.empty())
          s << "<polyline fill=\"none\" stroke-width=\"1.6\" stroke-linejoin=\"round\""
            << (sr.dashed ? " stroke-dasharray=\"5,3\"" : "") << " points=\"" << r << "\"/>\n";
    }
    if (sr.markers)
      for (const auto& p : sr.points)
        if (usable(p, log_y))
          s << "<circle cx=\"" << c(xa.map(p.x)) << "\" cy=\"" << c(ya.map(p.y))
            << "\" r=\"3\"/>\n";
    s << "</g>\n";
    // Legend entry: a short line (and dot) in the series' style, then the name.
    s << "<g class=\"legend-item\"><line x1=\"" << c(legend_x) << "\" y1=\""
      << c(legend_y - fs * 0.35) << "\" x2=\"" << c(legend_x + 18) << "\" y2=\""
      << c(legend_y - fs * 0.35) << "\" stroke=\"" << colour << "\" stroke-width=\"2\""
      << (sr.dashed ? " stroke-dasharray=\"5,3\"" : "") << "/>";
    if (sr.markers)
      s << "<circle cx=\"" << c(legend_x + 9) << "\" cy=\"" << c(legend_y - fs * 0.35)
        << "\" r=\"3\" fill=\"" << colour << "\"/>";
    s << "<text x=\"" << c(legend_x + 22) << "\" y=\"" << c(legend_y) << "\">"
      << escape_xml(sr.name) << "</text></g>\n";
    legend_x += 22 + text_width(sr.name, fs) + 14;
  }
}

}  // namespace

std::string svg_line_chart(const std::vector<Series>& input, const LineChartOptions& o) {
  std::vector<Series> series = input;
  const Frame frame = fit_frame(series, o);
  std::ostringstream s;
  write_header(s, o);
  write_axes(s, frame, o);
  write_series(s, series, frame, o);
  s << "</svg>\n";
  return s.str();
}

}  // namespace nmt::report
