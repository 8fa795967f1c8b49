// Writing files so that a crash, a full disk or a kill never leaves a half-written file under the
// final name: write PATH.tmp, flush and fsync it, rename it over PATH (atomic on POSIX), then fsync
// the directory so the rename itself survives a power loss. Readers see the old file or the new.
#pragma once

#include <functional>
#include <string>

namespace nmt {

// Calls write(tmp_path) to produce the file at tmp_path (= path + ".tmp"), then fsyncs and renames
// it to `path`. If `write` throws, or any step fails, the temporary file is removed and the error
// propagates (std::runtime_error naming the file for I/O failures); `path` is left untouched.
void atomic_write(const std::string& path,
                  const std::function<void(const std::string& tmp_path)>& write);

// Writes `bytes` to `path` atomically.
void atomic_write_bytes(const std::string& path, const std::string& bytes);

}  // namespace nmt
