// Helpers for inspecting generated SVG/HTML in tests: regex extraction of elements and attributes.
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace nmt::test {

// Every match of `pattern` in `text` (whole match, or capture group `group`).
inline std::vector<std::string> find_all(const std::string& text, const std::string& pattern,
                                         int group = 0) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[group].str());
  return out;
}

// The text between the first `open` and the next `close` after it ("" when absent).
inline std::string between(const std::string& text, const std::string& open,
                           const std::string& close) {
  const auto a = text.find(open);
  if (a == std::string::npos) return "";
  const auto b = text.find(close, a + open.size());
  if (b == std::string::npos) return "";
  return text.substr(a + open.size(), b - a - open.size());
}

// Value of attribute `name` in one element's text (e.g. `<rect x="1" .../>`), "" when absent.
inline std::string attr(const std::string& element, const std::string& name) {
  const std::regex re("\\s" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(element, m, re) ? m[1].str() : "";
}

inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size()))
    ++n;
  return n;
}

}  // namespace nmt::test
