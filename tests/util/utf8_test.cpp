// The project's one UTF-8 validator against RFC 3629's table and Python's strict decoder (which
// sacreBLEU reads with): the first bad byte's offset, or npos; and the line-level check.
#include <gtest/gtest.h>

#include "nmt/util/error.h"
#include "nmt/util/utf8.h"

namespace {

using nmt::check_utf8_lines;
using nmt::find_invalid_utf8;
using nmt::find_invalid_utf8_line;
constexpr auto npos = std::string_view::npos;

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("plain ASCII text that is longer than eight bytes"), npos);
  EXPECT_EQ(find_invalid_utf8("Mädchen läuft über die Straße"), npos);
  EXPECT_EQ(find_invalid_utf8("狗 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
            npos);  // CJK, emoji, U+10FFFF
}

TEST(Utf8, ReportsTheOffsetOfTheFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("abc\xFF"), 3u);             // never valid
  EXPECT_EQ(find_invalid_utf8("abcdefghij\x80xyz"), 10u);  // stray continuation after a fast run
  EXPECT_EQ(find_invalid_utf8("\xC3"), 0u);                // truncated 2-byte sequence
  EXPECT_EQ(find_invalid_utf8("ok \xE2\x82"), 3u);         // truncated 3-byte sequence
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);            // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);        // overlong, 3 bytes
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);        // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);    // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xC3\xA4\xC3("), 2u);       // bad continuation
}

// Python: b"ok\x80".decode() raises UnicodeDecodeError with start 2, and so on for each case.
TEST(Utf8, RejectsWhatPythonsDecoderRejects) {
  EXPECT_EQ(find_invalid_utf8("ok\x80"), 2u);            // stray continuation byte
  EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);            // truncated 2-byte sequence
  EXPECT_EQ(find_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xed\xa0\x80"), 1u);     // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xff"), 0u);
  EXPECT_EQ(find_invalid_utf8("plain \u00fc\u00df"), npos);
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
    EXPECT_STREQ(e.what(), "hyp.txt:3: invalid UTF-8 at byte 5");
  }
  EXPECT_NO_THROW(check_utf8_lines({"a", "b"}, "x"));
}

TEST(Utf8, InvalidUtf8MessageIsFileLineAndOneBasedByte) {
  EXPECT_EQ(nmt::invalid_utf8_message("train.de", 3, 4), "train.de:3: invalid UTF-8 at byte 5");
  EXPECT_EQ(nmt::invalid_utf8_message("stdin", 1, 0), "stdin:1: invalid UTF-8 at byte 1");
}

}  // namespace
