// Starts N local worker processes of a data-parallel job and supervises them: what
// `nmt train --nproc N` does instead of training itself (like torchrun's --nproc-per-node).
//
// Each worker is the same program (by default this very executable, /proc/self/exe) with the
// same arguments minus the launcher's own, and the torchrun environment: WORLD_SIZE=N, RANK=r,
// LOCAL_RANK=r, MASTER_ADDR, MASTER_PORT (a free port unless given). Worker 0 keeps the terminal
// (stdin is closed for all); the output lines of the others are prefixed with "[rank r] ".
//
// When a worker fails, the others get SIGTERM (and SIGKILL after kill_grace), and the result names
// the rank that failed first and how. SIGINT/SIGTERM sent to the launcher are passed on once to
// every worker (which finish their update, save, and exit); the workers sit in their own process
// group, so Ctrl-C in a terminal reaches them only through the launcher. On Linux a worker also
// dies with SIGTERM if the launcher itself is killed. POSIX only.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

struct LaunchOptions {
  int nproc = 2;                  // workers to start, >= 1
  std::string program;            // executable; "" = this executable (/proc/self/exe)
  std::vector<std::string> args;  // arguments after the program name, for every worker
  std::vector<std::pair<std::string, std::string>> env;  // extra variables for every worker
  std::string master_addr = "127.0.0.1";        // where worker 0 serves the rendezvous store
  int master_port = 0;                          // its port; 0 = pick a free one
  bool prefix_output = true;                    // prefix workers 1..N-1's stdout/stderr lines with
                                                // "[rank r] "; false = they inherit the launcher's
  std::chrono::milliseconds kill_grace{10000};  // after SIGTERM, wait this long before SIGKILL
};

struct WorkerExit {
  int rank = 0;
  int exit_code = -1;                // when exited normally, else -1
  int signal = 0;                    // the signal that ended it, else 0
  bool stopped_by_launcher = false;  // it was sent SIGTERM because another worker failed
  bool ok() const { return exit_code == 0; }
  // "rank 1 was killed by signal 9 (Killed)", "rank 0 exited with status 1".
  std::string describe() const;
};

struct LaunchResult {
  std::vector<WorkerExit> workers;  // by rank
  int first_failure = -1;           // rank of the worker that failed first, -1 when all succeeded
  int master_port = 0;              // the port the job used
  bool ok() const { return first_failure < 0; }
  // One line: "rank 1 was killed by signal 9 (Killed); rank 0 exited with status 1 (stopped
  // after rank 1 failed)".
  std::string describe() const;
};

// Runs the workers to completion. Throws std::runtime_error when a worker cannot be started.
LaunchResult launch_local_workers(const LaunchOptions& options);

// A TCP port on `host` that nothing listens on right now (the kernel's pick).
int free_tcp_port(const std::string& host = "127.0.0.1");

// This process's command line (argv) as the kernel recorded it (/proc/self/cmdline).
std::vector<std::string> own_command_line();

// `args` without option `name` and its value ("--nproc 2" or "--nproc=2").
std::vector<std::string> without_option(const std::vector<std::string>& args,
                                        const std::string& name);

}  // namespace nmt
