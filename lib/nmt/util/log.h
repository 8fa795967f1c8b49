// Minimal leveled logging to stderr (stdout is kept for results so `nmt` works in pipes). The
// environment variable NMT_LOG (debug, info, warn, error, quiet) sets the starting level.
#pragma once

#include <sstream>
#include <string>

namespace nmt::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_level(Level level);
Level level();
// Writes "[nmt] message" (info), "warning: message" or "error: message" to stderr.
void write(Level level, const std::string& message);

// Variadic helpers: log::info("read ", n, " lines").
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
template <class... Args>
void debug(const Args&... a) {
  if (level() <= Level::debug) write(Level::debug, cat(a...));
}
template <class... Args>
void info(const Args&... a) {
  if (level() <= Level::info) write(Level::info, cat(a...));
}
template <class... Args>
void warn(const Args&... a) {
  if (level() <= Level::warn) write(Level::warn, cat(a...));
}
template <class... Args>
void error(const Args&... a) {
  write(Level::error, cat(a...));
}

}  // namespace nmt::log
