#include "nmt/metrics/python_str.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <stdexcept>

namespace nmt::metrics {

bool py_isspace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::vector<std::u32string_view> py_split(std::u32string_view s) {
  std::vector<std::u32string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && py_isspace(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !py_isspace(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::u32string_view py_rstrip(std::u32string_view s) {
  std::size_t end = s.size();
  while (end > 0 && py_isspace(s[end - 1])) --end;
  return s.substr(0, end);
}

std::u32string py_join_split(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (auto word : py_split(s)) {
    if (!out.empty()) out.push_back(U' ');
    out.append(word);
  }
  return out;
}

std::u32string py_remove_spaces(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (!py_isspace(c)) out.push_back(c);
  }
  return out;
}

std::u32string py_lower(std::u32string_view s) {
  bool ascii = true;
  for (char32_t c : s) ascii = ascii && c < 0x80;
  if (ascii) {  // the common case, and identical to the full mapping on ASCII
    std::u32string out(s);
    for (auto& c : out) {
      if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
    }
    return out;
  }
  // ICU case-maps UTF-16; Final_Sigma needs the whole string as context, so map it at once.
  std::u16string utf16;
  utf16.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x10000) {
      utf16.push_back(static_cast<char16_t>(c));
    } else {
      utf16.push_back(static_cast<char16_t>(U16_LEAD(c)));
      utf16.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  // Lowercasing at most doubles a string (U+0130 -> "i\u0307" is the only expansion); the
  // retry covers any future Unicode version that adds a longer one.
  std::u16string lowered(utf16.size() * 2 + 1, u'\0');
  int32_t n = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    n = u_strToLower(reinterpret_cast<UChar*>(lowered.data()), static_cast<int32_t>(lowered.size()),
                     reinterpret_cast<const UChar*>(utf16.data()),
                     static_cast<int32_t>(utf16.size()), "", &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      lowered.assign(static_cast<std::size_t>(n) + 1, u'\0');
      continue;
    }
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("ICU u_strToLower: ") + u_errorName(status));
    break;
  }
  std::u32string out;
  out.reserve(static_cast<std::size_t>(n));
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(lowered.data(), i, n, c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

}  // namespace nmt::metrics
