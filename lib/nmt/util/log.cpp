#include "nmt/util/log.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>

namespace nmt::log {
namespace {
// NMT_LOG=debug|info|warn|error|quiet sets the starting level (default info).
Level initial_level() {
  const char* env = std::getenv("NMT_LOG");
  if (!env) return Level::info;
  const char* names[] = {"debug", "info", "warn", "error", "quiet"};
  for (int i = 0; i < 5; ++i)
    if (std::strcmp(env, names[i]) == 0) return static_cast<Level>(i);
  return Level::info;
}
std::atomic<Level> g_level{initial_level()};
std::mutex g_mutex;  // lines from the prefetch thread must not interleave with the trainer's
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  switch (l) {
    case Level::warn:
      std::cerr << "warning: " << message << '\n';
      break;
    case Level::error:
      std::cerr << "error: " << message << '\n';
      break;
    default:
      std::cerr << "[nmt] " << message << '\n';
      break;
  }
  std::cerr.flush();
}

}  // namespace nmt::log
