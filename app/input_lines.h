// Reads the input of `nmt translate` / `nmt eval` in chunks of lines. A file (plain or gzip) is
// read max_lines at a time. Standard input is read the same way, except that a chunk also ends
// when no further complete line is available right now: a program that writes one line into
// the pipe and waits for its translation gets it, instead of waiting for a chunk to fill.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nmt/corpus/line_reader.h"

namespace nmt::app {

class InputLines {
 public:
  // "-" reads standard input. Throws DataError when a file cannot be opened.
  explicit InputLines(const std::string& path);

  // Replaces `lines` with the next chunk (1..max_lines lines, without '\n', a trailing '\r' or
  // a first-line byte-order mark). Returns false at the end of the input.
  bool next_chunk(std::vector<std::string>& lines, size_t max_lines);

  const std::string& name() const { return name_; }  // "stdin" or the path
  int64_t lines_read() const { return lines_read_; }

 private:
  bool stdin_line(std::string& line, bool may_block);
  bool stdin_refill(bool may_block);

  std::string name_;
  std::unique_ptr<LineReader> file_;  // null for stdin
  std::string buffer_;                // stdin bytes not returned yet
  size_t begin_ = 0;                  // start of the unread part of buffer_
  bool eof_ = false;
  int64_t lines_read_ = 0;
};

}  // namespace nmt::app
