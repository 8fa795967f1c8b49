#include "nmt/training/launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "nmt/util/error.h"

extern char** environ;

namespace nmt {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int> g_signals_received{0};
std::atomic<int> g_last_signal{0};

extern "C" void on_launcher_signal(int signal_number) {
  g_last_signal = signal_number;
  ++g_signals_received;
}

// Installs the forwarding handlers for the launcher's lifetime.
class SignalForwarding {
 public:
  SignalForwarding() {
    g_signals_received = 0;
    struct sigaction action {};
    action.sa_handler = on_launcher_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
  }
  ~SignalForwarding() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

// One worker's process and the unfinished last line of each of its pipes.
struct Worker {
  pid_t pid = -1;
  bool running = false;
  int out_fd = -1;  // read ends, -1 when inherited or closed
  int err_fd = -1;
  std::string out_partial;
  std::string err_partial;
  WorkerExit exit;
};

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Moves complete lines of `partial` (plus `final` remainder at EOF) to `fd`, each prefixed.
void emit_lines(std::string& partial, const std::string& prefix, int fd, bool at_eof) {
  std::string out;
  size_t start = 0;
  for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1)
    out += prefix + partial.substr(start, nl - start + 1);
  partial.erase(0, start);
  if (at_eof && !partial.empty()) {
    out += prefix + partial + "\n";
    partial.clear();
  }
  if (!out.empty()) write_all(fd, out);
}

// Reads what is available on `fd`; false at EOF or error (the fd is then closed and set to -1).
bool drain(int& fd, std::string& partial, const std::string& prefix, int out_fd) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof(buffer));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    ::close(fd);
    fd = -1;
    emit_lines(partial, prefix, out_fd, /*at_eof=*/true);
    return false;
  }
  partial.append(buffer, static_cast<size_t>(n));
  emit_lines(partial, prefix, out_fd, /*at_eof=*/false);
  return true;
}

std::string signal_name(int signal_number) {
  const char* name = strsignal(signal_number);
  return name ? name : "unknown";
}

// The environment for worker `rank`: the launcher's, with the rendezvous variables replaced.
std::vector<std::string> worker_environment(const LaunchOptions& o, int rank, int port) {
  std::vector<std::pair<std::string, std::string>> set = {
      {"WORLD_SIZE", std::to_string(o.nproc)}, {"RANK", std::to_string(rank)},
      {"LOCAL_RANK", std::to_string(rank)},    {"LOCAL_WORLD_SIZE", std::to_string(o.nproc)},
      {"MASTER_ADDR", o.master_addr},          {"MASTER_PORT", std::to_string(port)}};
  set.insert(set.end(), o.env.begin(), o.env.end());
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& kv : set) replaced = replaced || kv.first == name;
    if (!replaced) env.push_back(entry);
  }
  for (const auto& kv : set) env.push_back(kv.first + "=" + kv.second);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void start_worker(const LaunchOptions& o, const std::string& program, int rank, int port,
                  Worker& w) {
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), o.args.begin(), o.args.end());
  std::vector<std::string> env_strings = worker_environment(o, rank, port);
  // Everything the child needs is prepared here: between fork and exec only async-signal-safe
  // calls are allowed (LibTorch's thread pools may hold locks in the parent).
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  const bool piped = o.prefix_output && rank > 0;
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (piped && (pipe(out_pipe) != 0 || pipe(err_pipe) != 0))
    throw std::runtime_error("launcher: cannot create pipes for rank " + std::to_string(rank) +
                             ": " + std::strerror(errno));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error("launcher: cannot fork rank " + std::to_string(rank) + ": " +
                             std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);  // Ctrl-C in the terminal reaches the launcher only; it forwards once
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(128 + SIGTERM);  // the launcher died before prctl
#endif
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    if (piped) {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(err_pipe[1], STDERR_FILENO);
      close(out_pipe[0]);
      close(err_pipe[0]);
    }
    execve(program.c_str(), argv.data(), envp.data());
    const char message[] = "launcher: cannot execute the worker program\n";
    (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  w.pid = pid;
  w.running = true;
  w.exit.rank = rank;
  if (piped) {
    close(out_pipe[1]);
    close(err_pipe[1]);
    w.out_fd = out_pipe[0];
    w.err_fd = err_pipe[0];
  }
}

// The running program (workers are more of it unless LaunchOptions::program says otherwise).
std::string this_executable() {
  char path[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) throw std::runtime_error("launcher: cannot find this executable (/proc/self/exe)");
  return std::string(path, static_cast<size_t>(n));
}

// Starts one process per worker; should one fail to start, those already running are killed.
void start_workers(const LaunchOptions& o, const std::string& program, int port,
                   std::vector<Worker>& workers) {
  for (int r = 0; r < o.nproc; ++r) {
    try {
      start_worker(o, program, r, port, workers[static_cast<size_t>(r)]);
    } catch (...) {
      for (auto& w : workers)
        if (w.running) kill(w.pid, SIGKILL);
      throw;
    }
  }
}

bool any_running(const std::vector<Worker>& workers) {
  for (const auto& w : workers)
    if (w.running) return true;
  return false;
}

bool any_pipe_open(const std::vector<Worker>& workers) {
  for (const auto& w : workers)
    if (w.out_fd >= 0 || w.err_fd >= 0) return true;
  return false;
}

// Copies the workers' piped output, line by line and prefixed with their rank, waiting up to
// 100 ms for some (50 ms when nothing is piped).
void relay_output(std::vector<Worker>& workers) {
  std::vector<pollfd> fds;
  std::vector<std::pair<Worker*, bool>> owners;  // (worker, is_stderr)
  for (auto& w : workers) {
    if (w.out_fd >= 0) fds.push_back({w.out_fd, POLLIN, 0}), owners.emplace_back(&w, false);
    if (w.err_fd >= 0) fds.push_back({w.err_fd, POLLIN, 0}), owners.emplace_back(&w, true);
  }
  if (fds.empty()) {
    usleep(50000);
    return;
  }
  if (poll(fds.data(), fds.size(), 100) <= 0) return;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    Worker& w = *owners[i].first;
    const std::string prefix = "[rank " + std::to_string(w.exit.rank) + "] ";
    if (owners[i].second)
      drain(w.err_fd, w.err_partial, prefix, STDERR_FILENO);
    else
      drain(w.out_fd, w.out_partial, prefix, STDOUT_FILENO);
  }
}

// Collects the workers that have exited; returns those that failed on their own (not stopped by
// the launcher).
std::vector<Worker*> reap_exited(std::vector<Worker>& workers) {
  std::vector<Worker*> failed_now;
  for (auto& w : workers) {
    if (!w.running) continue;
    int status = 0;
    const pid_t done = waitpid(w.pid, &status, WNOHANG);
    if (done != w.pid) continue;
    w.running = false;
    if (WIFEXITED(status)) w.exit.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) w.exit.signal = WTERMSIG(status);
    if (!w.exit.ok() && !w.exit.stopped_by_launcher) failed_now.push_back(&w);
  }
  return failed_now;
}

// Of several failures seen in one poll: a worker killed by a signal is more likely the cause than
// one that exited with an error (which is how the others report a lost peer).
const Worker& likely_cause(const std::vector<Worker*>& failed) {
  Worker* first = failed.front();
  for (Worker* w : failed)
    if (w->exit.signal != 0 && first->exit.signal == 0) first = w;
  return *first;
}

// Passes the signals the launcher received since the last call (`forwarded` of them were
// passed before) to every running worker.
void forward_signals(std::vector<Worker>& workers, int& forwarded) {
  const int received = g_signals_received;
  for (; forwarded < received; ++forwarded)
    for (auto& w : workers)
      if (w.running) kill(w.pid, g_last_signal.load());
}

// SIGTERM to the other workers once one has failed, SIGKILL to those still running kill_grace
// later.
class Escalation {
 public:
  explicit Escalation(std::chrono::milliseconds grace) : grace_(grace) {}
  void stop_others(std::vector<Worker>& workers, int except) {
    for (auto& w : workers) {
      if (!w.running || w.exit.rank == except) continue;
      kill(w.pid, SIGTERM);
      w.exit.stopped_by_launcher = true;
    }
    if (!kill_pending_) {
      kill_pending_ = true;
      kill_deadline_ = Clock::now() + grace_;
    }
  }
  void kill_if_overdue(std::vector<Worker>& workers) {
    if (!kill_pending_ || Clock::now() < kill_deadline_) return;
    for (auto& w : workers)
      if (w.running) kill(w.pid, SIGKILL);
    kill_pending_ = false;
  }

 private:
  std::chrono::milliseconds grace_;
  bool kill_pending_ = false;  // SIGTERM sent: SIGKILL at kill_deadline_
  Clock::time_point kill_deadline_{};
};

}  // namespace

std::string WorkerExit::describe() const {
  std::string text = "rank " + std::to_string(rank);
  if (signal != 0)
    text += " was killed by signal " + std::to_string(signal) + " (" + signal_name(signal) + ")";
  else
    text += " exited with status " + std::to_string(exit_code);
  return text;
}

std::string LaunchResult::describe() const {
  if (ok()) return "all " + std::to_string(workers.size()) + " workers succeeded";
  std::string text = workers[static_cast<size_t>(first_failure)].describe();
  for (const auto& w : workers) {
    if (w.rank == first_failure || w.ok()) continue;
    text += "; " + w.describe() +
            (w.stopped_by_launcher
                 ? " (stopped after rank " + std::to_string(first_failure) + " failed)"
                 : "");
  }
  return text;
}

LaunchResult launch_local_workers(const LaunchOptions& o) {
  if (o.nproc < 1) throw ConfigError("--nproc must be >= 1, got " + std::to_string(o.nproc));
  const std::string program = o.program.empty() ? this_executable() : o.program;
  LaunchResult result;
  result.master_port = o.master_port > 0 ? o.master_port : free_tcp_port(o.master_addr);

  SignalForwarding forwarding;
  std::vector<Worker> workers(static_cast<size_t>(o.nproc));
  start_workers(o, program, result.master_port, workers);
  Escalation escalation(o.kill_grace);
  int forwarded = 0;
  while (any_running(workers) || any_pipe_open(workers)) {
    relay_output(workers);
    const std::vector<Worker*> failed_now = reap_exited(workers);
    if (result.first_failure < 0 && !failed_now.empty()) {
      result.first_failure = likely_cause(failed_now).exit.rank;
      escalation.stop_others(workers, result.first_failure);
    }
    forward_signals(workers, forwarded);
    escalation.kill_if_overdue(workers);
  }

  for (auto& w : workers) result.workers.push_back(w.exit);
  // Workers stopped by a forwarded signal and failing is still a failure: name the first.
  if (result.first_failure < 0)
    for (const auto& w : result.workers)
      if (!w.ok()) {
        result.first_failure = w.rank;
        break;
      }
  return result;
}

int free_tcp_port(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), "0", &hints, &found) != 0 || found == nullptr)
    throw std::runtime_error("launcher: cannot resolve " + host);
  int port = 0;
  for (addrinfo* a = found; a != nullptr && port == 0; a = a->ai_next) {
    const int fd = socket(a->ai_family, SOCK_STREAM, 0);
    if (fd < 0) continue;
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0)
      port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    close(fd);
  }
  freeaddrinfo(found);
  if (port == 0) throw std::runtime_error("launcher: no free TCP port on " + host);
  return port;
}

std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t end; (end = raw.find('\0', start)) != std::string::npos; start = end + 1)
    args.push_back(raw.substr(start, end - start));
  if (start < raw.size()) args.push_back(raw.substr(start));
  return args;
}

std::vector<std::string> without_option(const std::vector<std::string>& args,
                                        const std::string& name) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind(name + "=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  return out;
}

}  // namespace nmt
