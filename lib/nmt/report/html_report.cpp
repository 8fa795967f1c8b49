#include "nmt/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "nmt/config/config.h"
#include "nmt/report/attention_page.h"
#include "nmt/report/markup.h"
#include "nmt/report/svg_heatmap.h"
#include "nmt/util/version.h"

namespace nmt::report {
namespace {

const char* kStyle = R"(
:root{--fg:#1b1b1b;--muted:#666;--line:#ddd;--accent:#0072b2;--bg:#fafafa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1220px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:18px 0 6px}
.meta,.note{color:var(--muted);font-size:13px}
nav{margin:10px 0 0;font-size:14px}
nav a{color:var(--accent);margin-right:14px;text-decoration:none}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600}
.card .s{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:14px}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px;overflow-x:auto}
figcaption{color:var(--muted);font-size:13px;padding:4px 6px}
table{border-collapse:collapse;background:#fff;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px;word-break:break-all}
.changed{font-weight:700}
.config-tables{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.example{margin:0 0 22px}
.example table{margin-bottom:8px;max-width:100%}
.example td:first-child{color:var(--muted);white-space:nowrap}
svg{display:block;max-width:none}
footer{padding:24px 20px 40px;color:var(--muted);font-size:12px}
)";

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A metric's value in the precision people quote it in.
std::string metric_value(const std::string& key, double v) {
  if (!std::isfinite(v)) return "–";
  if (key == "lr") {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2e", v);
    return buf;
  }
  if (key == "bleu" || key == "chrf" || key == "ter") return fixed(v, 2);
  if (key == "loss" || key == "ppl") return fixed(v, 3);
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) return fixed(v, 0);
  return fixed(v, 4);
}

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "–";
  const auto s = static_cast<long long>(seconds);
  char buf[64];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm %02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

std::string card(const std::string& key, const std::string& value, const std::string& sub = "") {
  std::string out = "<div class=\"card\"><div class=\"k\">" + escape_xml(key) +
                    "</div><div class=\"v\">" + escape_xml(value) + "</div>";
  if (!sub.empty()) out += "<div class=\"s\">" + escape_xml(sub) + "</div>";
  return out + "</div>";
}

std::string json_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

const nlohmann::json* find(const nlohmann::json& doc, const char* section, const char* key) {
  if (!doc.is_object() || !doc.contains(section) || !doc[section].is_object() ||
      !doc[section].contains(key))
    return nullptr;
  return &doc[section][key];
}

std::string section_summary(const ReportData& d) {
  std::ostringstream s;
  int64_t last_step = 0;
  double epoch = NAN, elapsed = NAN;
  for (const auto& ev : d.events) {
    last_step = std::max(last_step, ev.step);
    if (auto e = ev.number("epoch")) epoch = *e;
    if (auto t = ev.number("elapsed_s")) elapsed = *t;
  }
  s << "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">";
  s << card("steps", std::to_string(last_step),
            std::isfinite(epoch) ? "epoch " + fixed(epoch, 0) : "");
  s << card("training time", duration(elapsed));
  const std::string criterion = best_criterion(d);
  if (const auto best = best_validation(d.events, criterion)) {
    s << card("best " + criterion, metric_value(criterion, *best->number(criterion)),
              "at step " + std::to_string(best->step));
    for (const char* other : {"bleu", "chrf"})
      if (other != criterion)
        if (auto v = best->number(other))
          s << card(other, metric_value(other, *v), "at the best step");
  } else {
    s << card("best", "–", "no validation yet");
  }
  std::string arch = "unknown";
  if (const auto* a = find(d.config, "model", "arch")) arch = json_text(*a);
  s << card("parameters",
            d.parameter_count > 0 ? fixed(d.parameter_count / 1e6, 2) + "M" : "unknown", arch);
  s << "</div>";
  if (!d.parameter_summary.empty())
    s << "<p class=\"note\">" << escape_xml(d.parameter_summary) << "</p>";
  s << "</section>\n";
  return s.str();
}

std::string section_curves(const ReportData& d) {
  std::ostringstream s;
  s << "<section id=\"curves\"><h2>Learning curves</h2>";
  const auto charts = learning_curve_charts(d.events);
  if (d.events.empty()) s << "<p class=\"note\">metrics.jsonl has no events yet.</p>";
  s << "<div class=\"charts\">";
  for (const auto& chart : charts)
    s << "<figure>" << svg_line_chart(chart.series, chart.options) << "</figure>\n";
  s << "</div></section>\n";
  return s.str();
}

std::string section_best(const ReportData& d) {
  std::ostringstream s;
  s << "<section id=\"best\"><h2>Best checkpoint</h2>";
  const std::string criterion = best_criterion(d);
  const auto best = best_validation(d.events, criterion);
  std::optional<MetricEvent> last;
  for (const auto& ev : d.events)
    if (ev.event == "valid") last = ev;
  if (!best) {
    s << "<p class=\"note\">No validation has been run yet.</p></section>\n";
    return s.str();
  }
  s << "<p>Selected by <b>" << escape_xml(criterion) << "</b>";
  if (!d.best_checkpoint.empty()) s << ": <code>" << escape_xml(d.best_checkpoint) << "</code>";
  s << ".</p><table><tr><th></th><th>best (step " << best->step << ")</th>";
  if (last && last->step != best->step) s << "<th>last (step " << last->step << ")</th>";
  s << "</tr>";
  std::vector<std::string> keys;
  for (const auto& [k, v] : best->numbers) keys.push_back(k);
  // Scores first, in the order people read them.
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    const auto rank = [](const std::string& k) {
      const char* order[] = {"bleu", "chrf", "ter", "loss", "ppl"};
      for (int i = 0; i < 5; ++i)
        if (k == order[i]) return i;
      return 5;
    };
    return rank(a) < rank(b);
  });
  for (const auto& k : keys) {
    s << "<tr><th>" << escape_xml(k) << "</th><td class=\"num\">"
      << metric_value(k, best->numbers.at(k)) << "</td>";
    if (last && last->step != best->step) {
      const auto v = last->number(k);
      s << "<td class=\"num\">" << (v ? metric_value(k, *v) : "–") << "</td>";
    }
    s << "</tr>";
  }
  for (const auto& [k, v] : best->texts) {
    s << "<tr><th>" << escape_xml(k) << "</th><td class=\"mono\">" << escape_xml(v) << "</td>";
    if (last && last->step != best->step) {
      const auto it = last->texts.find(k);
      s << "<td class=\"mono\">" << (it == last->texts.end() ? "–" : escape_xml(it->second))
        << "</td>";
    }
    s << "</tr>";
  }
  s << "</table></section>\n";
  return s.str();
}

std::string section_config(const ReportData& d) {
  std::ostringstream s;
  s << "<section id=\"config\"><h2>Configuration</h2>";
  if (!d.config.is_object()) {
    s << "<p class=\"note\">config.json not found.</p></section>\n";
    return s.str();
  }
  const nlohmann::json defaults = to_json(Config{});
  s << "<p class=\"note\">The resolved configuration (config.json); values that differ from nmt's "
       "defaults are in bold.";
  if (d.parameter_count > 0) s << " Parameters: " << d.parameter_count << ".";
  s << "</p><div class=\"config-tables\">";
  for (const auto& [section, keys] : d.config.items()) {
    s << "<table><tr><th colspan=\"2\">" << escape_xml(section) << "</th></tr>";
    if (!keys.is_object()) {
      s << "<tr><td colspan=\"2\" class=\"mono\">" << escape_xml(json_text(keys))
        << "</td></tr></table>";
      continue;
    }
    for (const auto& [key, value] : keys.items()) {
      const bool changed = !defaults.contains(section) || !defaults[section].contains(key) ||
                           defaults[section][key] != value;
      std::string text = json_text(value);
      if (text.empty()) text = "\"\"";
      s << "<tr><td>" << escape_xml(key) << "</td><td class=\"mono" << (changed ? " changed" : "")
        << "\">" << escape_xml(text) << "</td></tr>";
    }
    s << "</table>";
  }
  s << "</div></section>\n";
  return s.str();
}

std::string section_examples(const ReportData& d) {
  std::ostringstream s;
  s << "<section id=\"examples\"><h2>Validation examples</h2>";
  if (d.examples.empty())
    s << "<p class=\"note\">No examples: they need a checkpoint and validation data.</p>";
  int n = 0;
  for (const auto& ex : d.examples) {
    ++n;
    s << "<div class=\"example\"><h3>Example " << n << "</h3><table>";
    s << "<tr><td>source</td><td>" << escape_xml(ex.source) << "</td></tr>";
    if (!ex.reference.empty())
      s << "<tr><td>reference</td><td>" << escape_xml(ex.reference) << "</td></tr>";
    s << "<tr><td>translation</td><td>" << escape_xml(ex.hypothesis) << "</td></tr></table>";
    if (!ex.cross_attention.weights.empty())
      s << "<figure>"
        << svg_heatmap(
               ex.cross_attention.weights,
               attention_heatmap_options(ex.cross_attention, "attention-" + std::to_string(n)))
        << "</figure>";
    s << "</div>\n";
  }
  s << "</section>\n";
  return s.str();
}

std::string section_positional(const ReportData& d) {
  std::ostringstream s;
  s << "<section id=\"positional\"><h2>Positional encodings</h2>";
  if (!d.positional || d.positional->values.empty()) {
    std::string kind = "unknown";
    if (const auto* p = find(d.config, "model", "positional")) kind = json_text(*p);
    s << "<p class=\"note\">"
      << (kind == "none" ? "The model uses no positional encoding (model.positional = none)."
                         : "Not available: learned encodings need a checkpoint.")
      << "</p></section>\n";
    return s.str();
  }
  const auto& p = *d.positional;
  HeatmapOptions o;
  o.title = p.kind + " positional encoding";
  o.row_axis_title = "position";
  o.col_axis_title = "dimension";
  o.value_label = "value";
  o.cell_height =
      std::clamp(360.0 / static_cast<double>(std::max<int64_t>(1, p.values.rows)), 2.0, 12.0);
  o.cell_width =
      std::clamp(720.0 / static_cast<double>(std::max<int64_t>(1, p.values.cols)), 1.0, 12.0);
  o.column_label_angle = 0;
  o.tooltips = false;
  o.max_vector_cells = 0;  // always one embedded PNG: thousands of cells, no tooltips needed
  o.id = "positional-map";
  // Label round positions and dimensions only, far enough apart for the text.
  const auto round_stride = [](double cell, double needed) {
    int64_t k = 1;
    while (static_cast<double>(k) * cell < needed) k *= 2;
    return k;
  };
  o.row_label_stride = round_stride(o.cell_height, 16.0);
  o.col_label_stride = round_stride(o.cell_width, 36.0);
  for (int64_t r = 0; r < p.values.rows; ++r) o.row_labels.push_back(std::to_string(r));
  for (int64_t c = 0; c < p.values.cols; ++c) o.col_labels.push_back(std::to_string(c));
  s << "<figure>" << svg_heatmap(p.values, o);
  if (!p.note.empty()) s << "<figcaption>" << escape_xml(p.note) << "</figcaption>";
  s << "</figure></section>\n";
  return s.str();
}

Series series_of(const std::vector<MetricEvent>& events, const std::string& event,
                 const std::string& key, const std::string& name, bool markers, int colour) {
  Series s;
  s.name = name;
  s.markers = markers;
  s.colour = colour;
  for (const auto& [x, y] : metric_series(events, event, key)) s.points.push_back({x, y});
  return s;
}

}  // namespace

std::vector<ChartSpec> learning_curve_charts(const std::vector<MetricEvent>& events) {
  const auto chart = [](std::string id, std::string title, std::string y_label, bool log_y,
                        bool from_zero, std::vector<Series> series) {
    series.erase(std::remove_if(series.begin(), series.end(),
                                [](const Series& s) { return s.points.empty(); }),
                 series.end());
    ChartSpec c;
    c.series = std::move(series);
    c.options.id = "chart-" + id;
    c.options.title = std::move(title);
    c.options.x_label = "step";
    c.options.y_label = std::move(y_label);
    c.options.log_y = log_y;
    c.options.y_from_zero = from_zero;
    return c;
  };
  return {
      chart("loss", "Loss", "loss per target token", true, false,
            {series_of(events, "train", "loss", "train", false, 0),
             series_of(events, "valid", "loss", "valid", true, 1)}),
      chart("ppl", "Perplexity", "perplexity", true, false,
            {series_of(events, "train", "ppl", "train", false, 0),
             series_of(events, "valid", "ppl", "valid", true, 1)}),
      chart("scores", "Validation BLEU and chrF", "score", false, true,
            {series_of(events, "valid", "bleu", "BLEU", true, 2),
             series_of(events, "valid", "chrf", "chrF", true, 3)}),
      chart("lr", "Learning rate", "learning rate", false, true,
            {series_of(events, "train", "lr", "lr", false, 4)}),
      chart("speed", "Throughput", "target tokens / s", false, true,
            {series_of(events, "train", "tgt_tokens_per_s", "target tokens/s", false, 5)}),
  };
}

std::string best_criterion(const ReportData& d) {
  std::vector<std::string> order;
  if (const auto* e = find(d.config, "train", "early_stopping"); e && e->is_string())
    order.push_back(e->get<std::string>());
  order.insert(order.end(), {"bleu", "chrf", "loss"});
  for (const auto& c : order)
    if (best_validation(d.events, c)) return c;
  return order.front();
}

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"nmt " NMT_VERSION "\">\n<title>" +
         escape_xml(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body +
         "</body>\n</html>\n";
}

std::string html_report(const ReportData& d) {
  std::ostringstream body;
  const std::string title = d.title.empty() ? "nmt training report" : d.title;
  body << "<header><h1>" << escape_xml(title) << "</h1><div class=\"meta\">";
  if (!d.run_dir.empty()) body << "run directory <code>" << escape_xml(d.run_dir) << "</code> · ";
  if (!d.generated.empty()) body << "generated " << escape_xml(d.generated) << " · ";
  body << "nmt " NMT_VERSION
          "</div><nav><a href=\"#summary\">Summary</a><a href=\"#curves\">Curves</a>"
          "<a href=\"#best\">Best checkpoint</a><a href=\"#config\">Config</a><a "
          "href=\"#examples\">Examples</a>"
          "<a href=\"#positional\">Positional encodings</a></nav></header>\n<main>\n";
  body << section_summary(d) << section_curves(d) << section_best(d) << section_config(d)
       << section_examples(d) << section_positional(d);
  body << "</main>\n<footer>";
  for (const auto& note : d.notes) body << "<p>" << escape_xml(note) << "</p>";
  body << "<p>Made by <code>nmt report</code>. Self-contained: no scripts, fonts or network "
          "access.</p></footer>\n";
  return html_page("nmt report: " + title, body.str());
}

}  // namespace nmt::report
