// Writes gzip files for reader tests (zlib, as the readers use).
#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace nmt::test {

inline void write_gz(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  if (!text.empty()) gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

}  // namespace nmt::test
