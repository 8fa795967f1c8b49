#include "nmt/corpus/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "nmt/util/error.h"
#include "nmt/util/error_location.h"

namespace nmt {

namespace {
constexpr size_t kBufferBytes = 1 << 20;

[[noreturn]] void fail_open(const std::string& path, const char* why) {
  throw DataError("cannot open '" + path + "': " + why);
}
}  // namespace

// Either a FILE* (plain) or a gzFile; read() returns bytes read, 0 at the end, throws on errors.
class LineReader::Input {
 public:
  explicit Input(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail_open(path, "is a directory");
    unsigned char magic[2] = {0, 0};
    {
      std::FILE* probe = std::fopen(path.c_str(), "rb");
      if (!probe) fail_open(path, std::strerror(errno));
      const size_t got = std::fread(magic, 1, 2, probe);
      std::fclose(probe);
      gzip_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
    if (gzip_) {
      gz_ = gzopen(path.c_str(), "rb");
      if (!gz_) fail_open(path, errno ? std::strerror(errno) : "out of memory");
      gzbuffer(gz_, 1 << 18);
    } else {
      file_ = std::fopen(path.c_str(), "rb");
      if (!file_) fail_open(path, std::strerror(errno));
    }
  }
  ~Input() {
    if (gz_) gzclose(gz_);
    if (file_) std::fclose(file_);
  }
  bool gzip() const { return gzip_; }

  // `line`: the lines returned so far; the bytes being read belong to the next one.
  size_t read(char* out, size_t capacity, int64_t line) {
    if (!gzip_) {
      const size_t got = std::fread(out, 1, capacity, file_);
      if (got == 0 && std::ferror(file_))
        throw DataError(
            line_message(path_, line + 1, std::string("read error: ") + std::strerror(errno)));
      return got;
    }
    const int got = gzread(gz_, out, static_cast<unsigned>(capacity));
    int code = Z_OK;
    const char* message = gzerror(gz_, &code);
    // A truncated stream shows up as Z_BUF_ERROR once the data runs out.
    if (got < 0 || (code != Z_OK && code != Z_STREAM_END))
      throw DataError(line_message(
          path_, line + 1, std::string("corrupt or truncated gzip data (") + message + ")"));
    return static_cast<size_t>(got);
  }

 private:
  std::string path_;
  bool gzip_ = false;
  gzFile gz_ = nullptr;
  std::FILE* file_ = nullptr;
};

LineReader::LineReader(const std::string& path)
    : path_(path), input_(std::make_unique<Input>(path)), buffer_(kBufferBytes) {}
LineReader::~LineReader() = default;
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;

bool LineReader::compressed() const { return input_->gzip(); }

void LineReader::rewind() {
  input_ = std::make_unique<Input>(path_);
  begin_ = end_ = 0;
  eof_ = false;
  line_number_ = 0;
}

bool LineReader::refill() {
  if (eof_) return false;
  // Only called once the buffer is used up; a partly assembled line lives in next()'s `line`.
  begin_ = end_ = 0;
  const size_t got = input_->read(buffer_.data(), buffer_.size(), line_number_);
  if (got == 0) eof_ = true;
  end_ = got;
  return got > 0;
}

bool LineReader::next(std::string& line) {
  line.clear();
  bool any = false;
  for (;;) {
    if (begin_ == end_ && !refill()) break;
    any = true;
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (newline) {
      line.append(start, static_cast<size_t>(newline - start));
      begin_ += static_cast<size_t>(newline - start) + 1;
      break;
    }
    line.append(start, end_ - begin_);
    begin_ = end_;
  }
  if (!any) return false;
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_number_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

std::vector<std::string> read_lines(const std::string& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  std::string line;
  while (reader.next(line)) lines.push_back(line);
  return lines;
}

}  // namespace nmt
