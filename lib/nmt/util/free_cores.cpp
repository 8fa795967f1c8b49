#include "nmt/util/free_cores.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "nmt/util/system.h"

namespace nmt {
namespace {

int online_cores() { return std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN))); }

}  // namespace

OtherLoad::OtherLoad() : last_(read()) {}

OtherLoad::Reading OtherLoad::read() {
  Reading r;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || cpu != "cpu")
    return r;
  stat >> steal;  // absent on old kernels: stays 0
  r.machine_busy = user + nice + system + irq + softirq + steal;
  r.machine_total = r.machine_busy + idle + iowait;

  std::ifstream self("/proc/self/stat");
  std::string line;
  if (!std::getline(self, line)) return r;
  // Field 2 (comm) may hold spaces; count the fields after its closing parenthesis.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return r;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  r.own = utime + stime;
  r.ok = true;
  return r;
}

std::optional<double> OtherLoad::sample() {
  const Reading now = read();
  if (!now.ok || !last_.ok) {
    last_ = now;
    return std::nullopt;
  }
  const double wall = static_cast<double>(now.machine_total - last_.machine_total) / online_cores();
  if (wall < 20) return std::nullopt;  // under ~0.2 s (100 jiffies a second): keep accumulating
  const double others =
      static_cast<double>((now.machine_busy - last_.machine_busy) - (now.own - last_.own));
  last_ = now;
  return std::clamp(others / wall, 0.0, static_cast<double>(online_cores()));
}

ThreadGovernor::ThreadGovernor(int max_threads, std::chrono::milliseconds interval)
    : max_threads_(std::max(1, max_threads)),
      threads_(max_threads_),
      interval_(interval),
      last_(std::chrono::steady_clock::now()) {}

int ThreadGovernor::choose(double free_cores, int max_threads) {
  const int n = static_cast<int>(std::floor(free_cores + 0.5));
  return std::clamp(n, 1, std::max(1, max_threads));
}

int ThreadGovernor::poll() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return 0;
  last_ = now;
  const auto others = load_.sample();
  if (!others) return 0;
  const int n = choose(online_cores() - *others, max_threads_);
  if (n == threads_) return 0;
  threads_ = n;
  set_threads(n);
  return n;
}

}  // namespace nmt
