// Threads chosen from the cores other processes leave free, re-checked while a job runs.
//
// LibTorch's OpenMP threads (and OpenBLAS's) spin at every barrier, so a team of 2 on 2 cores
// where one core also runs another process waits, at each of the thousands of parallel regions of
// a training step, for the thread the kernel preempted: measured on a 2-core host, the `small`
// preset trained 5.5x slower beside one `yes > /dev/null`, where losing a core should cost at
// most 2x. Running one thread fewer per busy core avoids the stall (bench_train measures both).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace nmt {

// Cores used by other processes: the machine's busy CPU time (/proc/stat: user, nice, system,
// irq, softirq and the hypervisor's steal) minus this process's own (/proc/self/stat), per second
// of wall time, between two readings.
class OtherLoad {
 public:
  OtherLoad();  // the first reading
  // Cores the other processes kept busy since the previous reading (0 .. cores), or nullopt when
  // /proc cannot be read or too little time has passed to tell.
  std::optional<double> sample();

 private:
  struct Reading {
    int64_t machine_busy = 0, machine_total = 0;  // jiffies, all CPUs
    int64_t own = 0;                              // jiffies of this process (utime + stime)
    bool ok = false;
  };
  static Reading read();
  Reading last_;
};

// Sets the intra-op thread count (set_threads) to the cores the other processes leave free,
// between 1 and `max_threads`, every `interval` or more (call poll() often; it reads /proc only
// when the interval has passed). A thread count that changes may change the last bits of
// reductions, so runs that must be bit-reproducible pin train.threads instead.
class ThreadGovernor {
 public:
  explicit ThreadGovernor(int max_threads,
                          std::chrono::milliseconds interval = std::chrono::seconds(5));
  // The new thread count when this call changed it, else 0.
  int poll();
  int threads() const { return threads_; }
  int max_threads() const { return max_threads_; }
  // The count for `free_cores` free cores, rounded: a core counts as taken when the others use
  // half of it or more (a process that merely wakes now and then should not halve a run).
  static int choose(double free_cores, int max_threads);

 private:
  int max_threads_, threads_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_;
  OtherLoad load_;
};

}  // namespace nmt
