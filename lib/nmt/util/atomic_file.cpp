#include "nmt/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace nmt {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " '" + path + "': " + std::strerror(errno));
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  // Some file systems refuse fsync on directories (EINVAL); the data file's fsync is what matters.
  if (rc != 0 && !(flags & O_DIRECTORY && (saved == EINVAL || saved == EBADF))) {
    errno = saved;
    fail("fsync", path);
  }
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void atomic_write(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string tmp = path + ".tmp";
  try {
    write(tmp);
    fsync_path(tmp, O_RDONLY);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename to", path);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  fsync_path(parent_dir(path), O_RDONLY | O_DIRECTORY);
}

void atomic_write_bytes(const std::string& path, const std::string& bytes) {
  atomic_write(path, [&](const std::string& tmp) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", tmp);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        fail("write", tmp);
      }
      done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) fail("close", tmp);
  });
}

}  // namespace nmt
