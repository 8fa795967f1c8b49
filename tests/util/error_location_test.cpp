// The one format of "file and line" in messages (README: `FILE:LINE: ... at byte N`).
#include <gtest/gtest.h>

#include "nmt/util/error_location.h"

namespace {

TEST(ErrorLocation, FileColonLineColonMessage) {
  EXPECT_EQ(nmt::file_line("train.de", 3), "train.de:3");
  EXPECT_EQ(nmt::file_line("stdin", 12), "stdin:12");
  EXPECT_EQ(nmt::line_message("data/valid.en.gz", 7, "expected 2 TAB-separated fields"),
            "data/valid.en.gz:7: expected 2 TAB-separated fields");
}

TEST(ErrorLocation, ByteCountsFromOne) {
  EXPECT_EQ(nmt::at_byte(0), "at byte 1");
  EXPECT_EQ(nmt::at_byte(4), "at byte 5");
  EXPECT_EQ(nmt::line_message("train.de", 3, "invalid UTF-8 " + nmt::at_byte(4)),
            "train.de:3: invalid UTF-8 at byte 5");
}

}  // namespace
