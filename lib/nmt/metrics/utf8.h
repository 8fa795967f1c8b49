// UTF-8 <-> UTF-32 conversion.
//
// sacreBLEU works on Python `str`, i.e. on code points: a character n-gram of chrF, the `char`
// tokenizer and every regular expression of the tokenizers see code points, never bytes. The
// metrics therefore decode each line once to std::u32string. Input that Python's strict UTF-8
// decoder would reject is reported, with its line, before any metric runs (nmt/util/utf8.h
// holds the validator and check_utf8_lines).
#pragma once

#include <string>
#include <string_view>

namespace nmt::metrics {

// Decodes UTF-8; throws nmt::DataError("CONTEXT: invalid UTF-8 at byte N") when `text` is
// invalid by nmt::find_invalid_utf8 (`context` says which line, e.g. "hypothesis 12").
std::u32string utf8_to_u32(std::string_view text, const std::string& context = "text");

// Encodes code points as UTF-8 (the inverse of utf8_to_u32).
std::string u32_to_utf8(std::u32string_view text);

// Appends one code point to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace nmt::metrics
