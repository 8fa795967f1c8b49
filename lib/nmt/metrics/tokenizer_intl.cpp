#include "nmt/metrics/tokenizer_intl.h"

#include <unicode/uchar.h>

#include "nmt/metrics/char_rules.h"
#include "nmt/metrics/python_str.h"

namespace nmt::metrics {

bool is_unicode_number(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0;
}
bool is_unicode_punctuation(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_P_MASK) != 0;
}
bool is_unicode_symbol(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_S_MASK) != 0;
}

std::u32string tokenize_intl(std::u32string_view line) {
  using namespace rules;
  const auto not_number = [](char32_t c) { return !is_unicode_number(c); };
  std::u32string s = pairs(line, not_number, is_unicode_punctuation, Spacing::after_each);
  s = pairs(s, is_unicode_punctuation, not_number, Spacing::before_each);
  s = pad(s, is_unicode_symbol);
  return py_join_split(s);
}

}  // namespace nmt::metrics
