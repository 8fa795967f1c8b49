// A live status line on a terminal: redrawn in place ("\r...") at most a few times a second, and
// erased before any other message is printed so log lines never interleave with it. When stderr
// is not a terminal (a log file, CI) it is disabled and callers log plain lines instead.
#pragma once

#include <chrono>
#include <string>

namespace nmt {

class ProgressLine {
 public:
  // enabled: draw at all (default: stderr is a terminal and $TERM is not "dumb").
  explicit ProgressLine(bool enabled = stderr_is_terminal());
  ~ProgressLine();

  // Shows `text` (cut to the terminal width), unless the last redraw was under 0.2 s ago and
  // `force` is false.
  void update(const std::string& text, bool force = false);
  // Erases the line (call before printing anything else to stderr); the next update redraws it.
  void clear();
  bool enabled() const { return enabled_; }

  static bool stderr_is_terminal();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace nmt
