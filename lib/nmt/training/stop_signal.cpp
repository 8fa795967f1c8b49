#include "nmt/training/stop_signal.h"

#include <atomic>

namespace nmt {
namespace {

std::atomic<int> g_received{0};

extern "C" void on_stop_signal(int signal_number) {
  g_received = signal_number;
  // The next one acts as if we had never intervened.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

StopSignal::StopSignal() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

int StopSignal::received() { return g_received; }
void StopSignal::request(int signal_number) { g_received = signal_number; }
void StopSignal::reset() { g_received = 0; }

}  // namespace nmt
