#include "nmt/report/attention_page.h"

#include <algorithm>
#include <sstream>

#include "nmt/report/html_report.h"
#include "nmt/report/markup.h"

namespace nmt::report {

HeatmapOptions attention_heatmap_options(const AttentionFigure& f, const std::string& id) {
  HeatmapOptions o;
  o.title = f.title;
  o.row_labels = f.row_labels;
  o.col_labels = f.col_labels;
  o.row_axis_title = f.row_axis;
  o.col_axis_title = f.col_axis;
  o.value_label = "attention weight";
  o.vmin = 0.0f;  // weights are probabilities: 0 is always the dark end
  const int64_t longest = std::max<int64_t>(1, std::max(f.weights.rows, f.weights.cols));
  o.cell_width = o.cell_height =
      std::clamp(std::floor(600.0 / static_cast<double>(longest)), 12.0, 26.0);
  o.font_size = 11;
  o.show_values = longest <= 12;  // small maps have room to print each weight
  o.id = id;
  return o;
}

std::string attention_html(const std::vector<AttentionSentence>& sentences,
                           const std::string& title) {
  std::ostringstream body;
  body << "<header><h1>" << escape_xml(title) << "</h1><div class=\"meta\">" << sentences.size()
       << (sentences.size() == 1 ? " sentence" : " sentences")
       << ". Rows are queries, columns the keys they attend to; each row sums to 1. Hover a cell "
          "for its weight."
       << "</div></header>\n<main>\n";
  size_t n = 0, figure = 0;
  for (const auto& s : sentences) {
    ++n;
    body << "<section class=\"example\" id=\"sentence-" << n << "\"><h2>Sentence " << n
         << "</h2><table>"
         << "<tr><td>source</td><td>" << escape_xml(s.source) << "</td></tr>"
         << "<tr><td>translation</td><td>" << escape_xml(s.translation) << "</td></tr></table>";
    for (const auto& note : s.notes) body << "<p class=\"note\">" << escape_xml(note) << "</p>";
    for (const auto& f : s.figures)
      body << "<figure>"
           << svg_heatmap(f.weights,
                          attention_heatmap_options(f, "attention-" + std::to_string(++figure)))
           << "</figure>\n";
    body << "</section>\n";
  }
  body << "</main>\n<footer><p>Made by <code>nmt attention</code>.</p></footer>\n";
  return html_page(title, body.str());
}

std::string attention_svg(const std::vector<AttentionSentence>& sentences) {
  constexpr double kPad = 10.0, kFont = 13.0;
  std::ostringstream inner;
  double y = kPad, width = 400.0;
  size_t n = 0, figure = 0;
  for (const auto& s : sentences) {
    ++n;
    const std::string caption = std::to_string(n) + ". " + s.source + "  \u2192  " + s.translation;
    inner << "<text x=\"" << kPad << "\" y=\"" << format_coord(y + kFont) << "\" font-size=\""
          << kFont << "\" font-weight=\"bold\">" << escape_xml(caption) << "</text>\n";
    width = std::max(width, 2 * kPad + text_width(caption, kFont));
    y += kFont + 8;
    for (const auto& note : s.notes) {
      inner << "<text x=\"" << kPad << "\" y=\"" << format_coord(y + 12)
            << "\" font-size=\"12\" fill=\"#666\">" << escape_xml(note) << "</text>\n";
      width = std::max(width, 2 * kPad + text_width(note, 12));
      y += 18;
    }
    for (const auto& f : s.figures) {
      const HeatmapOptions o =
          attention_heatmap_options(f, "attention-" + std::to_string(++figure));
      const HeatmapLayout layout = heatmap_layout(f.weights, o);
      // A nested <svg> is positioned by x/y and keeps its own coordinate system.
      std::string svg = svg_heatmap(f.weights, o);
      svg.insert(4, " x=\"" + format_coord(kPad) + "\" y=\"" + format_coord(y) + "\"");
      inner << svg;
      width = std::max(width, 2 * kPad + layout.width);
      y += layout.height + 6;
    }
    y += 12;
  }
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << format_coord(width) << "\" height=\""
    << format_coord(y + kPad) << "\" viewBox=\"0 0 " << format_coord(width) << ' '
    << format_coord(y + kPad)
    << "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    << inner.str() << "</svg>\n";
  return s.str();
}

}  // namespace nmt::report
