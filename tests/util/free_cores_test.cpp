// The thread count follows the cores other processes leave free (util/free_cores.h).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "nmt/util/free_cores.h"

namespace {

using nmt::ThreadGovernor;

TEST(ThreadGovernor, ChoosesTheFreeCoresRoundedBetweenOneAndTheMaximum) {
  EXPECT_EQ(ThreadGovernor::choose(2.0, 2), 2);
  EXPECT_EQ(ThreadGovernor::choose(1.6, 2), 2);  // a light background load keeps both
  EXPECT_EQ(ThreadGovernor::choose(1.4, 2), 1);  // a process on most of a core takes it
  EXPECT_EQ(ThreadGovernor::choose(1.0, 2), 1);
  EXPECT_EQ(ThreadGovernor::choose(0.0, 2), 1);  // never fewer than one
  EXPECT_EQ(ThreadGovernor::choose(8.0, 4), 4);  // never more than asked for
  EXPECT_EQ(ThreadGovernor::choose(2.6, 4), 3);
}

TEST(OtherLoad, TooShortAnIntervalTellsNothing) {
  nmt::OtherLoad load;
  EXPECT_FALSE(load.sample().has_value());
}

// A child process spinning for a second is another process's load (this process only sleeps:
// a wrong field of /proc/self/stat, or its ticks taken for the machine's, would show here).
TEST(OtherLoad, CountsAnotherProcessButNotThisOne) {
  nmt::OtherLoad load;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1200);
    volatile uint64_t x = 0;
    while (std::chrono::steady_clock::now() < end) x = x + 1;
    _exit(0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const auto busy = load.sample();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  ASSERT_TRUE(busy.has_value());
  // A whole core when alone; on a machine shared with other tests it still gets a good part.
  EXPECT_GT(*busy, 0.4);
  EXPECT_LE(*busy, static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)));
}

}  // namespace
