// The few Python `str` operations that sacreBLEU's definitions rest on, with Python's exact
// semantics on code points.
//
// sacreBLEU splits tokens with `str.split()`, strips lines with `str.rstrip()` and lowercases
// with `str.lower()`. All three are Unicode-aware in Python: `split()` breaks on U+00A0 or
// U+3000 as well as on ' ', and `lower()` maps 'İ' to "i̇" and a word-final 'Σ' to 'ς'. Using
// C's isspace/tolower instead would move scores on any non-ASCII text, so these helpers
// reproduce Python (lowercasing through ICU, whose root-locale full case mapping is the same
// Unicode algorithm, Final_Sigma included).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nmt::metrics {

// Python's str.isspace() for one code point: general category Zs, or bidirectional class
// WS, B or S. That is U+0009..U+000D, U+001C..U+001F, U+0020, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (stable since Unicode 6.3).
bool py_isspace(char32_t c);

// str.split() without arguments: the maximal runs of non-whitespace, in order. The views
// point into `s`.
std::vector<std::u32string_view> py_split(std::u32string_view s);

// str.rstrip() without arguments.
std::u32string_view py_rstrip(std::u32string_view s);

// ' '.join(s.split()): trims and collapses every whitespace run to one ' '.
std::u32string py_join_split(std::u32string_view s);

// str.lower(): Unicode full lowercase mapping (may change the length, e.g. 'İ' -> "i̇").
std::u32string py_lower(std::u32string_view s);

// s with every whitespace code point removed (''.join(s.split())).
std::u32string py_remove_spaces(std::u32string_view s);

}  // namespace nmt::metrics
