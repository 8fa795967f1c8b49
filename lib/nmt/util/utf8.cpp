#include "nmt/util/utf8.h"

#include <cstdint>
#include <cstring>

#include "nmt/util/error.h"
#include "nmt/util/error_location.h"

namespace nmt {

size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Corpora are mostly ASCII: skip 8 ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 table)
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;  // continuation byte without a lead, 0xC0/0xC1 (overlong) or 0xF5..0xFF
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string invalid_utf8_message(std::string_view file, int64_t line, size_t offset) {
  return line_message(file, line, "invalid UTF-8 " + at_byte(offset));
}

std::optional<InvalidUtf8> find_invalid_utf8_line(const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const size_t byte = find_invalid_utf8(lines[i]);
    if (byte != std::string_view::npos) return InvalidUtf8{i + 1, byte};
  }
  return std::nullopt;
}

void check_utf8_lines(const std::vector<std::string>& lines, const std::string& source) {
  if (auto bad = find_invalid_utf8_line(lines))
    throw DataError(invalid_utf8_message(source, static_cast<int64_t>(bad->line), bad->byte));
}

}  // namespace nmt
