#include "input_lines.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nmt/util/error.h"

namespace nmt::app {

InputLines::InputLines(const std::string& path) : name_(path == "-" ? "stdin" : path) {
  if (path != "-") file_ = std::make_unique<LineReader>(path);
}

bool InputLines::stdin_refill(bool may_block) {
  if (eof_) return false;
  if (!may_block) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (poll(&p, 1, /*timeout_ms=*/0) <= 0) return false;  // nothing waiting (or EOF not yet seen)
  }
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  char chunk[1 << 16];
  ssize_t n;
  do {
    n = read(STDIN_FILENO, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw DataError("reading stdin: " + std::string(std::strerror(errno)));
  if (n == 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool InputLines::stdin_line(std::string& line, bool may_block) {
  while (true) {
    const size_t nl = buffer_.find('\n', begin_);
    if (nl != std::string::npos) {
      line.assign(buffer_, begin_, nl - begin_);
      begin_ = nl + 1;
      return true;
    }
    if (eof_) {
      if (begin_ >= buffer_.size()) return false;
      line.assign(buffer_, begin_, std::string::npos);  // a last line without '\n'
      begin_ = buffer_.size();
      return true;
    }
    if (!stdin_refill(may_block) && !eof_) return false;
  }
}

bool InputLines::next_chunk(std::vector<std::string>& lines, size_t max_lines) {
  lines.clear();
  std::string line;
  while (lines.size() < max_lines) {
    if (file_) {
      if (!file_->next(line)) break;  // LineReader strips '\r' and the BOM itself
    } else {
      // Block only for the first line of a chunk; after that take what is already there.
      if (!stdin_line(line, /*may_block=*/lines.empty())) break;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (lines_read_ == 0 && lines.empty() && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    }
    lines.push_back(std::move(line));
  }
  lines_read_ += static_cast<int64_t>(lines.size());
  return !lines.empty();
}

}  // namespace nmt::app
