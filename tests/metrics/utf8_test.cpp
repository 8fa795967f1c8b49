// UTF-8 validation and conversion, and the Python str semantics the metrics depend on.
#include <gtest/gtest.h>

#include "nmt/metrics/python_str.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"

using namespace nmt::metrics;

TEST(Utf8, RoundTripsEveryEncodingLength) {
  const std::string text = "a\u00e9\u20ac\U0001F600";  // 1, 2, 3 and 4 bytes
  const std::u32string cps = utf8_to_u32(text);
  EXPECT_EQ(cps, (std::u32string{U'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(u32_to_utf8(cps), text);
}

TEST(Utf8, RejectsWhatPythonsDecoderRejects) {
  EXPECT_EQ(find_invalid_utf8("ok\x80"), 2u);             // stray continuation byte
  EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);             // truncated 2-byte sequence
  EXPECT_EQ(find_invalid_utf8("\xc0\xaf"), 0u);           // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xed\xa0\x80"), 1u);      // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);   // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xff"), 0u);
  EXPECT_FALSE(find_invalid_utf8("plain \u00fc\u00df").has_value());
  EXPECT_THROW(utf8_to_u32("\xff", "hypothesis 3"), nmt::DataError);
}

TEST(Utf8, ReportsTheFirstInvalidLineWithFileAndLine) {
  const std::vector<std::string> lines{"fine", "also fine", "bad \xe2\x82", "bad \xff"};
  const auto bad = find_invalid_utf8_line(lines);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->line, 3u);
  EXPECT_EQ(bad->byte, 4u);
  try {
    check_utf8_lines(lines, "hyp.txt");
    FAIL() << "expected a DataError";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("hyp.txt:3"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_utf8_lines({"a", "b"}, "x"));
}

TEST(PythonStr, SplitAndStripUsePythonsWhitespace) {
  // Python: 'a\xa0b\u3000c\u200bd'.split() == ['a', 'b', 'c\u200bd'] (U+200B is Cf, not space).
  const std::u32string s = U"  a\u00a0b\u3000c\u200bd\u2028";
  const auto words = py_split(s);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0], U"a");
  EXPECT_EQ(words[1], U"b");
  EXPECT_EQ(words[2], U"c\u200bd");
  EXPECT_EQ(py_rstrip(U"x \t\r\u00a0\u3000"), U"x");
  EXPECT_EQ(py_join_split(U" a \n b\u0085c "), U"a b c");
  EXPECT_TRUE(py_isspace(0x1C));     // FILE SEPARATOR is space in Python (bidi B)
  EXPECT_FALSE(py_isspace(0x180E));  // MONGOLIAN VOWEL SEPARATOR is Cf since Unicode 6.3
  EXPECT_FALSE(py_isspace(0xFEFF));
}

TEST(PythonStr, LowerIsPythonsFullCaseMapping) {
  EXPECT_EQ(py_lower(U"The CAT"), U"the cat");
  // 'İ'.lower() == 'i\u0307' (two code points).
  EXPECT_EQ(py_lower(U"\u0130"), U"i\u0307");
  // Final sigma: 'ΣΟΦΟΣ'.lower() == 'σοφος' (last letter U+03C2).
  EXPECT_EQ(py_lower(U"\u03a3\u039f\u03a6\u039f\u03a3"), U"\u03c3\u03bf\u03c6\u03bf\u03c2");
  // Capital sharp s, and a character outside the BMP (DESERET CAPITAL LONG I).
  EXPECT_EQ(py_lower(U"\u1e9e\U00010400"), U"\u00df\U00010428");
}
