// Exact equivalents of the `re.sub` calls that sacreBLEU's tokenizers are written in.
//
// Every pattern those tokenizers use is one character class, or two adjacent classes, with a
// fixed replacement. For such fixed-width patterns Python's `re.sub` does this: try a match at
// position p; on success emit the replacement and continue at p + width, else copy s[p] and
// continue at p + 1. Reproducing that scan (rather than a "cleverer" overlapping one) is what
// makes e.g. "a.,b" tokenize as sacreBLEU does. Internal to the metrics layer.
#pragma once

#include <string>
#include <string_view>

namespace nmt::metrics::rules {

// re.sub(r'([CLASS])', r' \1 ', s): pads every character of the class with spaces.
template <class Pred>
std::u32string pad(std::u32string_view s, Pred in_class) {
  std::u32string out;
  out.reserve(s.size() + s.size() / 2);
  for (char32_t c : s) {
    if (in_class(c)) {
      out.push_back(U' ');
      out.push_back(c);
      out.push_back(U' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Where a pair rule puts its spaces.
enum class Spacing {
  after_each,   // r'\1 \2 '
  before_each,  // r' \1 \2'
};

// re.sub(r'([FIRST])([SECOND])', replacement, s) for the two replacements of Spacing.
template <class First, class Second>
std::u32string pairs(std::u32string_view s, First first, Second second, Spacing spacing) {
  std::u32string out;
  out.reserve(s.size() + s.size() / 2);
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
      if (spacing == Spacing::before_each) out.push_back(U' ');
      out.push_back(s[i]);
      out.push_back(U' ');
      out.push_back(s[i + 1]);
      if (spacing == Spacing::after_each) out.push_back(U' ');
      i += 2;
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

// re.sub(r'([CLASS])', '', s): removes every character of the class.
template <class Pred>
std::u32string remove(std::u32string_view s, Pred in_class) {
  std::u32string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (!in_class(c)) out.push_back(c);
  }
  return out;
}

// str.replace(old, new): leftmost, non-overlapping, left to right.
inline std::u32string replace_all(std::u32string_view s, std::u32string_view from,
                                  std::u32string_view to) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (true) {
    const std::size_t hit = s.find(from, i);
    if (hit == std::u32string_view::npos) break;
    out.append(s.substr(i, hit - i));
    out.append(to);
    i = hit + from.size();
  }
  out.append(s.substr(i));
  return out;
}

// The character class of mteval-v13a's first rule, [\{-\~\[-\` -\&\(-\+\:-\@\/]: ASCII
// punctuation and symbols except the apostrophe, ',', '-' and '.' (those have rules of their
// own), plus ' ' itself (which the rule harmlessly pads).
inline bool is_13a_symbol(char32_t c) {
  return (c >= U'{' && c <= U'~') || (c >= U'[' && c <= U'`') || (c >= U' ' && c <= U'&') ||
         (c >= U'(' && c <= U'+') || (c >= U':' && c <= U'@') || c == U'/';
}

inline bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
inline bool is_not_ascii_digit(char32_t c) { return !is_ascii_digit(c); }
inline bool is_period_or_comma(char32_t c) { return c == U'.' || c == U','; }
inline bool is_hyphen(char32_t c) { return c == U'-'; }

}  // namespace nmt::metrics::rules
