#include "nmt/util/log.h"

#include <atomic>
#include <iostream>
#include <mutex>

namespace nmt::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;  // lines from the prefetch thread must not interleave with the trainer's
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  switch (l) {
    case Level::warn: std::cerr << "warning: " << message << '\n'; break;
    case Level::error: std::cerr << "error: " << message << '\n'; break;
    default: std::cerr << "[nmt] " << message << '\n'; break;
  }
  std::cerr.flush();
}

}  // namespace nmt::log
