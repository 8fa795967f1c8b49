// The line-count check of parallel files: a source and its target, hypotheses and each
// reference must have one line per segment. Every reader of such files (training and
// validation corpora, `nmt score`, `nmt eval`, `nmt bleu`) checks with this, so the rule and
// its message live here only:
//
//   line counts differ: A has 3 lines, B has 4 lines
//   line counts differ: A has 3 lines, B has at least 4 lines   (B was not read to its end)
#pragma once

#include <cstdint>
#include <string>

namespace nmt {

// One file's side of the check.
struct LineCount {
  std::string file;  // as the user gave it, or "stdin"
  int64_t lines = 0;
  bool at_least = false;  // a streaming reader stopped early: `lines` is a lower bound
};

// Throws DataError naming both files and both counts when `a` and `b` differ in line count.
// A streaming reader that reads the two files in step calls it when one of them ends first:
// check_line_counts({ended, n}, {other, n + 1, true}).
void check_line_counts(const LineCount& a, const LineCount& b);

}  // namespace nmt
