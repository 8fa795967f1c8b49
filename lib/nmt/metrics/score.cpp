#include "nmt/metrics/score.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace nmt::metrics {

std::string format_fixed(double value, int width) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", width < 0 ? 0 : width, value);
  return buf;
}

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "NaN";  // json.dumps spells these as JavaScript does
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-tripping significand, as "d.ddde+XX".
  char buf[64];
  for (int precision = 0; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  std::string s = buf;
  const bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  const std::size_t e = s.find('e');
  const int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (std::size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  std::string out;
  if (exponent < -4 || exponent >= 16) {  // repr switches to exponent notation here
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else {
    const auto int_digits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= int_digits) {
      out = digits + std::string(int_digits - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, int_digits) + "." + digits.substr(int_digits);
    }
  }
  return negative ? "-" + out : out;
}

std::string json_string(const std::string& utf8) {
  std::string out = "\"";
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string MetricScore::format(int width, bool with_signature, bool score_only) const {
  const std::string number = format_fixed(score, width);
  if (score_only) return number;
  std::string line = name;
  if (with_signature && !signature.empty()) line += "|" + signature;
  line += " = " + number;
  if (!verbose.empty()) line += " " + verbose;
  return line;
}

std::string MetricScore::to_json(int width, bool indent) const {
  // sacreBLEU: d['score'] = float(f'{score:.{width}f}'), then json.dumps.
  const double rounded = std::strtod(format_fixed(score, width).c_str(), nullptr);
  std::vector<std::pair<std::string, std::string>> items{
      {"name", json_string(name)},
      {"score", python_float_repr(rounded)},
      {"signature", json_string(signature)},
  };
  if (!verbose.empty()) items.emplace_back("verbose_score", json_string(verbose));
  std::size_t start = 0;
  while (start < signature.size()) {  // each "key:value" field, as strings
    std::size_t bar = signature.find('|', start);
    if (bar == std::string::npos) bar = signature.size();
    const std::string field = signature.substr(start, bar - start);
    const std::size_t colon = field.find(':');
    if (colon != std::string::npos)
      items.emplace_back(field.substr(0, colon), json_string(field.substr(colon + 1)));
    start = bar + 1;
  }
  std::string out = indent ? "{\n" : "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (indent) out += " ";
    out += json_string(items[i].first) + ": " + items[i].second;
    if (i + 1 < items.size()) out += indent ? ",\n" : ", ";
  }
  out += indent ? "\n}" : "}";
  return out;
}

}  // namespace nmt::metrics
