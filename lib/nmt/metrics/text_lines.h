// Reading hypothesis and reference files the way sacreBLEU's command line does: UTF-8, lines
// split on '\n' only (a '\r' is an ordinary character, as with Python's newline="\n"), and
// every line right-stripped of Unicode whitespace (Python's str.rstrip(), so "\r\n" endings
// and trailing spaces vanish). A final line without '\n' counts; an empty file has no lines.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace nmt::metrics {

// Reads `path` ("-" reads standard input). Throws nmt::DataError naming the file when it
// cannot be opened, and "FILE:LINE: invalid UTF-8 at byte N" for the first invalid line.
std::vector<std::string> read_text_lines(const std::string& path);

// The same for an already open stream; `source` names it in error messages.
std::vector<std::string> read_text_lines(std::istream& in, const std::string& source);

}  // namespace nmt::metrics
