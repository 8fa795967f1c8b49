// UTF-8 validation and UTF-8 <-> UTF-32 conversion.
//
// sacreBLEU works on Python `str`, i.e. on code points: a character n-gram of chrF, the `char`
// tokenizer and every regular expression of the tokenizers see code points, never bytes. The
// metrics therefore decode each line once to std::u32string. Input that Python's strict UTF-8
// decoder would reject is reported, with its line, before any metric runs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::metrics {

// Byte offset of the first invalid UTF-8 sequence in `text`, or nullopt when it is all valid.
// Invalid is what Python's strict decoder rejects: a stray continuation byte, a truncated
// sequence, an overlong form, a surrogate (U+D800..U+DFFF) or a value above U+10FFFF.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Where the first invalid line of a text is.
struct InvalidUtf8 {
  std::size_t line = 0;  // 1-based line number
  std::size_t byte = 0;  // 0-based byte offset inside that line
};

// The first line of `lines` that is not valid UTF-8, or nullopt when every line is.
std::optional<InvalidUtf8> find_invalid_utf8_line(const std::vector<std::string>& lines);

// Throws nmt::DataError("SOURCE:LINE: invalid UTF-8 at byte N ...") for the first invalid line.
// `source` names where the lines came from (a file name, or "stdin").
void check_utf8_lines(const std::vector<std::string>& lines, const std::string& source);

// Decodes UTF-8; throws nmt::DataError("CONTEXT: invalid UTF-8 at byte N") when `text` is
// invalid (`context` says which line, e.g. "hypothesis 12").
std::u32string utf8_to_u32(std::string_view text, const std::string& context = "text");

// Encodes code points as UTF-8 (the inverse of utf8_to_u32).
std::string u32_to_utf8(std::u32string_view text);

// Appends one code point to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace nmt::metrics
