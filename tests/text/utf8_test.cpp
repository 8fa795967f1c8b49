// find_invalid_utf8 against RFC 3629's table: the first bad byte's offset, or npos.
#include <gtest/gtest.h>

#include "nmt/text/utf8.h"

namespace {

using nmt::find_invalid_utf8;
constexpr auto npos = std::string_view::npos;

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("plain ASCII text that is longer than eight bytes"), npos);
  EXPECT_EQ(find_invalid_utf8("Mädchen läuft über die Straße"), npos);
  EXPECT_EQ(find_invalid_utf8("狗 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), npos);  // CJK, emoji, U+10FFFF
}

TEST(Utf8, ReportsTheOffsetOfTheFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("abc\xFF"), 3u);                 // never valid
  EXPECT_EQ(find_invalid_utf8("abcdefghij\x80xyz"), 10u);      // stray continuation after a fast run
  EXPECT_EQ(find_invalid_utf8("\xC3"), 0u);                    // truncated 2-byte sequence
  EXPECT_EQ(find_invalid_utf8("ok \xE2\x82"), 3u);             // truncated 3-byte sequence
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);                // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);            // overlong, 3 bytes
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);            // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);        // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xC3\xA4\xC3("), 2u);           // bad continuation
}

}  // namespace
