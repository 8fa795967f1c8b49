// The one line-count check of parallel files and its exact message.
#include <gtest/gtest.h>

#include "nmt/util/error.h"
#include "nmt/util/line_counts.h"

namespace {

std::string message(const nmt::LineCount& a, const nmt::LineCount& b) {
  try {
    nmt::check_line_counts(a, b);
  } catch (const nmt::DataError& e) {
    return e.what();
  }
  return "";
}

TEST(LineCounts, EqualCountsPass) {
  EXPECT_NO_THROW(nmt::check_line_counts({"a.en", 3}, {"a.de", 3}));
  EXPECT_NO_THROW(nmt::check_line_counts({"a.en", 0}, {"a.de", 0}));
}

TEST(LineCounts, DifferentCountsNameBothFilesAndCounts) {
  EXPECT_EQ(message({"hyp.txt", 3}, {"ref.txt", 4}),
            "line counts differ: hyp.txt has 3 lines, ref.txt has 4 lines");
  EXPECT_EQ(message({"stdin", 1}, {"ref.txt", 0}),
            "line counts differ: stdin has 1 line, ref.txt has 0 lines");
}

TEST(LineCounts, AStreamingReaderGivesALowerBound) {
  EXPECT_EQ(message({"short.de", 3}, {"long.en", 4, true}),
            "line counts differ: short.de has 3 lines, long.en has at least 4 lines");
}

}  // namespace
