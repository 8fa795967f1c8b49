// Text escaping and label measurement for the SVG/HTML writers.
#include <gtest/gtest.h>

#include "nmt/report/markup.h"

using namespace nmt::report;

TEST(Markup, EscapesXmlSpecialCharacters) {
  EXPECT_EQ(escape_xml("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
}

TEST(Markup, KeepsSentencePiecePiecesReadable) {
  // "▁" (U+2581) passes through; the markup characters next to it are escaped.
  EXPECT_EQ(escape_xml("\xE2\x96\x81<"), "\xE2\x96\x81&lt;");
  EXPECT_EQ(escape_xml("\xE2\x96\x81&amp;"), "\xE2\x96\x81&amp;amp;");
  EXPECT_EQ(escape_xml("</svg><script>"), "&lt;/svg&gt;&lt;script&gt;");
}

TEST(Markup, ReplacesInvalidUtf8AndControlCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(escape_xml(std::string("a\x01"
                                   "b")),
            "a" + fffd + "b");
  EXPECT_EQ(escape_xml(std::string("\xC3")), fffd);                        // truncated sequence
  EXPECT_EQ(escape_xml(std::string("\xC0\xAF")), fffd + fffd);             // overlong '/'
  EXPECT_EQ(escape_xml(std::string("\xED\xA0\x80")), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(escape_xml("tab\tnewline\n"), "tab\tnewline\n");
  EXPECT_EQ(escape_xml("\xE4\xB8\xAD\xF0\x9F\x98\x80"),
            "\xE4\xB8\xAD\xF0\x9F\x98\x80");  // 中😀 kept
}

TEST(Markup, FormatsCoordinatesCompactly) {
  EXPECT_EQ(format_coord(12.0), "12");
  EXPECT_EQ(format_coord(12.5), "12.5");
  EXPECT_EQ(format_coord(12.04), "12");
  EXPECT_EQ(format_coord(-0.01), "0");
  EXPECT_EQ(format_coord(0.125, 3), "0.125");
}

TEST(Markup, MeasuresWideCharactersAsOneEm) {
  EXPECT_EQ(utf8_length("\xE2\x96\x81"
                        "ab"),
            3u);
  EXPECT_DOUBLE_EQ(text_width("abcd", 10), 24.0);
  EXPECT_DOUBLE_EQ(text_width("\xE4\xB8\xAD\xE6\x96\x87", 10), 20.0);  // 中文
}

TEST(Markup, TruncatesOnCodePointBoundaries) {
  EXPECT_EQ(truncate_utf8("short", 10), "short");
  EXPECT_EQ(truncate_utf8("\xE2\x96\x81"
                          "abcdef",
                          4),
            "\xE2\x96\x81"
            "ab\xE2\x80\xA6");
  EXPECT_EQ(utf8_length(truncate_utf8("\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD", 3)), 3u);
}
