#include "nmt/metrics/tokenizer_13a.h"

#include "nmt/metrics/char_rules.h"
#include "nmt/metrics/python_str.h"

namespace nmt::metrics {

std::u32string tokenize_13a(std::u32string_view line) {
  using namespace rules;
  std::u32string s = replace_all(line, U"<skipped>", U"");
  s = replace_all(s, U"-\n", U"");
  s = replace_all(s, U"\n", U" ");
  if (s.find(U'&') != std::u32string::npos) {
    s = replace_all(s, U"&quot;", U"\"");
    s = replace_all(s, U"&amp;", U"&");
    s = replace_all(s, U"&lt;", U"<");
    s = replace_all(s, U"&gt;", U">");
  }
  s = U" " + s + U" ";
  s = pad(s, is_13a_symbol);
  s = pairs(s, is_not_ascii_digit, is_period_or_comma, Spacing::after_each);
  s = pairs(s, is_period_or_comma, is_not_ascii_digit, Spacing::before_each);
  s = pairs(s, is_ascii_digit, is_hyphen, Spacing::after_each);
  return py_join_split(s);
}

}  // namespace nmt::metrics
