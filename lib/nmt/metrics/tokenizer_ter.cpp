#include "nmt/metrics/tokenizer_ter.h"

#include "nmt/metrics/char_rules.h"
#include "nmt/metrics/python_str.h"

namespace nmt::metrics {
namespace {

using namespace rules;

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// TercomTokenizer.ASIAN_PUNCT: [\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb]
bool is_asian_punct(char32_t c) {
  return c == 0x3001 || c == 0x3002 || in(c, 0x3008, 0x3011) || in(c, 0x3014, 0x301F) ||
         in(c, 0xFF61, 0xFF65) || c == 0x30FB;
}

// TercomTokenizer.FULL_WIDTH_PUNCT: [\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09]
bool is_full_width_punct(char32_t c) {
  switch (c) {
    case 0xFF0E:
    case 0xFF0C:
    case 0xFF1F:
    case 0xFF1A:
    case 0xFF1B:
    case 0xFF01:
    case 0xFF02:
    case 0xFF08:
    case 0xFF09:
      return true;
    default:
      return false;
  }
}

std::u32string normalize_general_and_western(std::u32string_view line) {
  std::u32string s = replace_all(line, U"\n-", U"");
  s = replace_all(s, U"\n", U" ");
  s = replace_all(s, U"&quot;", U"\"");
  s = replace_all(s, U"&amp;", U"&");
  s = replace_all(s, U"&lt;", U"<");
  s = replace_all(s, U"&gt;", U">");
  s = U" " + s + U" ";
  s = pad(s, is_13a_symbol);
  s = replace_all(s, U"'s ", U" 's ");
  // sacreBLEU also has re.sub(r"'s$", " 's"), which cannot match: the line ends with the space
  // added above, and every '\n' is gone.
  s = pairs(s, is_not_ascii_digit, is_period_or_comma, Spacing::after_each);
  s = pairs(s, is_period_or_comma, is_not_ascii_digit, Spacing::before_each);
  s = pairs(s, is_ascii_digit, is_hyphen, Spacing::after_each);
  return s;
}

std::u32string normalize_asian(std::u32string_view line) {
  // CJK Unified Ideographs (and Extension A), CJK Strokes and Radicals Supplement, CJK
  // Compatibility (and its Ideographs and Forms), and the range sacreBLEU labels "Enclosed CJK
  // Letters and Months" but writes as \u3200-\u3f22 (which also covers kana): one pass each.
  std::u32string s =
      pad(line, [](char32_t c) { return in(c, 0x4E00, 0x9FFF) || in(c, 0x3400, 0x4DBF); });
  s = pad(s, [](char32_t c) { return in(c, 0x31C0, 0x31EF) || in(c, 0x2E80, 0x2EFF); });
  s = pad(s, [](char32_t c) {
    return in(c, 0x3300, 0x33FF) || in(c, 0xF900, 0xFAFF) || in(c, 0xFE30, 0xFE4F);
  });
  s = pad(s, [](char32_t c) { return in(c, 0x3200, 0x3F22); });
  // sacreBLEU's three kana rules, r"(^|^[kana])([kana]+)(?=$|^[kana])", need the line to start
  // with kana; it starts with the space normalize_general_and_western adds, so they never match.
  s = pad(s, is_asian_punct);
  s = pad(s, is_full_width_punct);
  return s;
}

bool is_tercom_punct(char32_t c) {
  switch (c) {
    case U'.':
    case U',':
    case U'?':
    case U':':
    case U';':
    case U'!':
    case U'"':
    case U'(':
    case U')':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::u32string tokenize_tercom(std::u32string_view line, const TercomOptions& options) {
  if (line.empty()) return {};
  std::u32string s = options.case_sensitive ? std::u32string(line) : py_lower(line);
  if (options.normalized) {
    s = normalize_general_and_western(s);
    if (options.asian_support) s = normalize_asian(s);
  }
  if (options.no_punct) {
    s = remove(s, is_tercom_punct);
    if (options.asian_support)
      s = remove(s, [](char32_t c) { return is_asian_punct(c) || is_full_width_punct(c); });
  }
  return py_join_split(s);
}

}  // namespace nmt::metrics
