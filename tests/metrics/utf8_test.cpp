// UTF-8 <-> UTF-32 conversion and the Python str semantics the metrics depend on (validation
// itself: tests/util/utf8_test.cpp).
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

TEST(Utf8, DecodingInvalidTextIsADataErrorNamingTheContextAndByte) {
  try {
    utf8_to_u32("ab\xff", "hypothesis 3");
    FAIL() << "expected a DataError";
  } catch (const nmt::DataError& e) {
    EXPECT_STREQ(e.what(), "hypothesis 3: invalid UTF-8 at byte 3");
  }
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
