// Graceful interruption: while a StopSignal is alive, SIGINT and SIGTERM only raise a flag, which
// the trainer checks after each update (finish the step, save, exit with a hint how to resume).
// A second signal restores the default action, so pressing Ctrl-C twice still kills at once.
#pragma once

#include <csignal>

namespace nmt {

class StopSignal {
 public:
  StopSignal();   // installs the handlers (only one StopSignal may be alive at a time)
  ~StopSignal();  // restores the previous handlers
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // The signal received (SIGINT, SIGTERM), or 0.
  static int received();
  // Raises the flag as a signal would (tests, and callers with their own stop conditions).
  static void request(int signal_number);
  static void reset();

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace nmt
