#include "nmt/report/metrics_log.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "nmt/util/error.h"
#include "nmt/util/error_location.h"

namespace nmt::report {

std::optional<double> MetricEvent::number(const std::string& key) const {
  const auto it = numbers.find(key);
  if (it == numbers.end()) return std::nullopt;
  return it->second;
}

MetricEvent parse_metric_event(const std::string& line) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object()) throw std::invalid_argument("not a JSON object");
  MetricEvent ev;
  for (const auto& [key, value] : doc.items()) {
    if (key == "event") {
      if (!value.is_string()) throw std::invalid_argument("\"event\" is not a string");
      ev.event = value.get<std::string>();
    } else if (key == "step" && value.is_number()) {
      ev.step = value.get<int64_t>();
    } else if (value.is_number()) {
      ev.numbers[key] = value.get<double>();
    } else if (value.is_string()) {
      ev.texts[key] = value.get<std::string>();
    } else if (value.is_null()) {
      // nlohmann writes NaN and infinities as null: keep them as NaN so the charts break the line.
      ev.numbers[key] = std::numeric_limits<double>::quiet_NaN();
    }
    // Booleans, arrays and objects are not plotted; ignore them.
  }
  return ev;
}

std::vector<MetricEvent> read_metrics_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<MetricEvent> events;
  size_t start = 0;
  int64_t line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      events.push_back(parse_metric_event(line));
    } catch (const std::invalid_argument& e) {
      if (!complete) break;  // a line still being written
      throw DataError(line_message(path, line_no, e.what()));
    }
  }
  return events;
}

std::optional<MetricEvent> best_validation(const std::vector<MetricEvent>& events,
                                           const std::string& criterion) {
  const bool lower_is_better = criterion == "loss" || criterion == "ppl";
  std::optional<MetricEvent> best;
  for (const auto& ev : events) {
    if (ev.event != "valid") continue;
    const auto v = ev.number(criterion);
    if (!v || !std::isfinite(*v)) continue;
    const double b = best ? *best->number(criterion) : 0.0;
    if (!best || (lower_is_better ? *v < b : *v > b)) best = ev;
  }
  return best;
}

std::vector<std::pair<double, double>> metric_series(const std::vector<MetricEvent>& events,
                                                     const std::string& event,
                                                     const std::string& key) {
  std::vector<std::pair<double, double>> out;
  for (const auto& ev : events)
    if (ev.event == event)
      if (const auto v = ev.number(key)) out.emplace_back(static_cast<double>(ev.step), *v);
  return out;
}

}  // namespace nmt::report
