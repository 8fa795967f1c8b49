// LineReader: streams the lines of a plain or gzip-compressed text file, one at a time, with
// constant memory. Compression is detected from the file's first two bytes (the gzip magic
// 1f 8b), not its name, so `train.en` holding gzip data and `train.en.gz` holding plain text
// both read correctly. Concatenated gzip members (as written by `cat a.gz b.gz`) are read through.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nmt {

class LineReader {
 public:
  // Opens `path`. Throws DataError naming it when it is missing, a directory or unreadable.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;

  // Reads the next line into `line`, without its '\n' and without a trailing '\r' (files written
  // on Windows) or, on line 1, a UTF-8 byte-order mark. Returns false at the end of the file;
  // a last line without '\n' is still a line. Throws DataError naming the file and line on a
  // read error or a corrupt or truncated gzip stream.
  bool next(std::string& line);

  // 1-based number of the line last returned by next() (0 before the first).
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  bool compressed() const;

  // Starts again from the first line.
  void rewind();

 private:
  class Input;  // the plain or gzip byte stream
  bool refill();

  std::string path_;
  std::unique_ptr<Input> input_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buffer_[begin_, end_)
  bool eof_ = false;
  int64_t line_number_ = 0;
};

// Reads a whole (small) file's lines, e.g. a validation set or a test file.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace nmt
