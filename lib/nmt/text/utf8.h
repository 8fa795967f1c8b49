// UTF-8 validation: corpora, vocabulary inputs and translation inputs are checked before
// SentencePiece sees them, so a bad byte is reported with its file and line instead of turning
// into unknown pieces.
#pragma once

#include <cstddef>
#include <string_view>

namespace nmt {

// The byte offset of the first invalid UTF-8 sequence in `text`, or std::string_view::npos when
// all of it is valid. Invalid: stray continuation bytes, truncated sequences, overlong forms,
// UTF-16 surrogates (U+D800..U+DFFF) and code points above U+10FFFF (RFC 3629).
size_t find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return find_invalid_utf8(text) == std::string_view::npos; }

}  // namespace nmt
