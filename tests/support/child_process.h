// A child process for tests that start several programs at once (distributed training): extra
// environment variables, stdout/stderr to files, waiting with a deadline, and signals.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/run_command.h"

extern char** environ;

namespace nmt::test {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills a child still running, so a failed test leaves no process behind.
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Starts `program args...` with `env` added to this process's environment; stdout and stderr
  // go to `out_path` and `err_path`.
  void start(const std::string& program, const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env,
             const std::string& out_path, const std::string& err_path) {
    out_path_ = out_path;
    err_path_ = err_path;
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      bool replaced = false;
      for (const auto& kv : env) replaced = replaced || entry.rfind(kv.first + "=", 0) == 0;
      if (!replaced) env_strings.push_back(entry);
    }
    for (const auto& kv : env) env_strings.push_back(kv.first + "=" + kv.second);
    std::vector<char*> argv, envp;
    for (auto& s : argv_strings) argv.push_back(s.data());
    for (auto& s : env_strings) envp.push_back(s.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    // Opened before fork: only async-signal-safe calls between fork and exec.
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_fd, STDOUT_FILENO);
      dup2(err_fd, STDERR_FILENO);
      execve(program.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    started_ = std::chrono::steady_clock::now();
  }

  bool running() {
    if (pid_ <= 0 || done_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) record(status);
    return !done_;
  }

  // Waits up to `limit` for the child to end; true when it did.
  bool wait_for(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // Waits up to `limit` until the child's stdout contains `text`; false on timeout or exit.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (out().find(text) == std::string::npos) {
      if (!running() || std::chrono::steady_clock::now() >= deadline)
        return out().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  void kill(int signal_number) { ::kill(pid_, signal_number); }
  pid_t pid() const { return pid_; }
  int exit_code() const { return exit_code_; }  // -1 unless it exited normally
  int signal() const { return signal_; }        // 0 unless a signal ended it
  // Seconds from start() to the moment running() first saw it ended.
  double seconds() const { return seconds_; }
  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }

 private:
  void record(int status) {
    done_ = true;
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) signal_ = WTERMSIG(status);
  }

  pid_t pid_ = -1;
  bool done_ = false;
  int exit_code_ = -1;
  int signal_ = 0;
  double seconds_ = 0.0;
  std::chrono::steady_clock::time_point started_;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace nmt::test
