// The one way messages name a place in an input file (README, "Troubleshooting"):
//
//   FILE:LINE: MESSAGE                e.g.  train.de:3: invalid UTF-8 at byte 5
//
// FILE is the path as the user gave it (or "stdin"), LINE counts from 1, and "at byte N" says
// where inside that line, counting the line's bytes from 1 (as `cut -b N` does). Every error
// and warning about one line of a corpus, a validation or test set, a hypothesis or reference
// file or a metrics log is built with these functions, so the format lives here only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nmt {

// "FILE:LINE".
std::string file_line(std::string_view file, int64_t line);

// "FILE:LINE: MESSAGE".
std::string line_message(std::string_view file, int64_t line, std::string_view message);

// "at byte N" for the 0-based `offset` of a byte inside its line (N = offset + 1).
std::string at_byte(size_t offset);

}  // namespace nmt
