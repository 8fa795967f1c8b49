#include "nmt/util/line_counts.h"

#include "nmt/util/error.h"

namespace nmt {

void check_line_counts(const LineCount& a, const LineCount& b) {
  if (a.lines == b.lines) return;
  const auto count = [](const LineCount& c) {
    return c.file + " has " + (c.at_least ? "at least " : "") + std::to_string(c.lines) +
           (c.lines == 1 && !c.at_least ? " line" : " lines");
  };
  throw DataError("line counts differ: " + count(a) + ", " + count(b));
}

}  // namespace nmt
