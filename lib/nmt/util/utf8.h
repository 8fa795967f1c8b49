// UTF-8 validation, the one validator of the project. Corpora, vocabulary inputs, translation
// and scoring inputs are checked before SentencePiece sees them, so a bad byte is reported with
// its file and line instead of turning into unknown pieces; hypothesis and reference files are
// checked before any metric runs.
//
// The rules are RFC 3629's, which are also those of Python's strict UTF-8 decoder (what
// sacreBLEU reads its files with), so nmt rejects exactly the lines sacreBLEU would fail on,
// and reports the offset Python's UnicodeDecodeError gives as `start` for that line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nmt {

// The 0-based byte offset of the first invalid UTF-8 sequence in `text`, or
// std::string_view::npos when all of it is valid. Invalid: stray continuation bytes, truncated
// sequences, overlong forms, UTF-16 surrogates (U+D800..U+DFFF) and code points above U+10FFFF.
size_t find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) {
  return find_invalid_utf8(text) == std::string_view::npos;
}

// "FILE:LINE: invalid UTF-8 at byte N" (error_location.h) for the 0-based `offset` that
// find_invalid_utf8 returned; callers append what the user can do about it.
std::string invalid_utf8_message(std::string_view file, int64_t line, size_t offset);

// Where the first invalid line of a text is.
struct InvalidUtf8 {
  std::size_t line = 0;  // 1-based line number
  std::size_t byte = 0;  // 0-based byte offset inside that line
};

// The first line of `lines` that is not valid UTF-8, or nullopt when every line is.
std::optional<InvalidUtf8> find_invalid_utf8_line(const std::vector<std::string>& lines);

// Throws nmt::DataError(invalid_utf8_message(...)) for the first invalid line. `source` names
// where the lines came from (a file name, or "stdin").
void check_utf8_lines(const std::vector<std::string>& lines, const std::string& source);

}  // namespace nmt
