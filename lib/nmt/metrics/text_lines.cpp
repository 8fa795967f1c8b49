#include "nmt/metrics/text_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "nmt/metrics/python_str.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"
#include "nmt/util/utf8.h"

namespace nmt::metrics {

std::vector<std::string> read_text_lines(std::istream& in, const std::string& source) {
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError("cannot read " + source);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  check_utf8_lines(lines, source);
  for (auto& line : lines) {
    // Only a line ending in whitespace (ASCII, or any non-ASCII byte) needs the Unicode rstrip.
    if (!line.empty() && (static_cast<unsigned char>(line.back()) >= 0x80 ||
                          py_isspace(static_cast<unsigned char>(line.back())))) {
      line = u32_to_utf8(py_rstrip(utf8_to_u32(line)));
    }
  }
  return lines;
}

std::vector<std::string> read_text_lines(const std::string& path) {
  if (path == "-") return read_text_lines(std::cin, "stdin");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot open '" + path + "' (" + std::strerror(errno) + ")");
  return read_text_lines(in, path);
}

}  // namespace nmt::metrics
