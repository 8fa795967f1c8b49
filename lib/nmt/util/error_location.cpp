#include "nmt/util/error_location.h"

namespace nmt {

std::string file_line(std::string_view file, int64_t line) {
  std::string out(file);
  out += ':';
  out += std::to_string(line);
  return out;
}

std::string line_message(std::string_view file, int64_t line, std::string_view message) {
  std::string out = file_line(file, line);
  out += ": ";
  out += message;
  return out;
}

std::string at_byte(size_t offset) { return "at byte " + std::to_string(offset + 1); }

}  // namespace nmt
