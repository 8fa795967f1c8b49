#include "nmt/text/sentencepiece_api.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace nmt::spm {
namespace {

constexpr const char* kShimName = "libnmt_sentencepiece.so";

std::string executable_dir() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  std::string s(path, static_cast<size_t>(n));
  return s.substr(0, s.find_last_of('/'));
}

const Library* open_library() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("NMT_SENTENCEPIECE_SHIM"); env && *env)
    candidates.push_back(env);
  const std::string dir = executable_dir();
  if (!dir.empty()) {
    candidates.push_back(dir + "/" + kShimName);
    candidates.push_back(dir + "/../lib/" + kShimName);
  }
#ifdef NMT_SENTENCEPIECE_SHIM_PATH
  candidates.push_back(NMT_SENTENCEPIECE_SHIM_PATH);
#endif
  std::string tried;
  for (const auto& path : candidates) {
    if (access(path.c_str(), R_OK) != 0) {
      tried += "\n  " + path + ": not found";
      continue;
    }
    // RTLD_LOCAL | RTLD_DEEPBIND: see the header; SentencePiece's bundled protobuf must bind to
    // itself and stay invisible to LibTorch's libprotobuf.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
      tried += "\n  " + path + ": " + dlerror();
      continue;
    }
    auto entry = reinterpret_cast<LibraryEntry>(dlsym(handle, kLibraryEntryName));
    if (!entry) {
      tried += "\n  " + path + ": no symbol " + kLibraryEntryName;
      continue;
    }
    return entry();  // the handle stays open for the life of the process
  }
  throw std::runtime_error(std::string("cannot load SentencePiece through ") + kShimName +
                           " (set NMT_SENTENCEPIECE_SHIM to its path); tried:" + tried);
}

}  // namespace

const Library& library() {
  static std::once_flag once;
  static const Library* lib = nullptr;
  std::call_once(once, [] { lib = open_library(); });
  return *lib;
}

}  // namespace nmt::spm
