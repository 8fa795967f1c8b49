// Load test of `nmt serve` on loopback: starts the server on a free port, sends single-sentence
// POST /translate requests from C concurrent clients (C = 1, 8, 32, 64) for a bounded time each,
// and prints requests/s, sentences/s, p50/p95/p99 latency, errors and the server's peak RSS; then
// the same load with dynamic batching switched off (--max-delay-ms 0 --max-batch-sentences 1),
// so the ratio can be stated. Every loop is bounded in time and in requests; loopback only.
//   bench_serve MODEL_DIR [--nmt PATH] [--seconds S] [--clients 1,8,32,64] [--threads N]
//               [--test FILE] [--max-delay-ms N]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nmt/corpus/line_reader.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Server {
  pid_t pid = -1;
  int port = 0;
};

Server start_server(const std::string& nmt, const std::string& model, std::vector<std::string> args,
                    const std::string& dir) {
  const std::string port_file = dir + "/port";
  fs::remove(port_file);
  std::vector<std::string> all = {nmt,      "serve", "-m",          model,
                                  "--port", "0",     "--port-file", port_file};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  Server s;
  s.pid = fork();
  if (s.pid == 0) {
    const std::string log = dir + "/server.log";
    freopen(log.c_str(), "a", stderr);
    execv(nmt.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 3000; ++i) {  // up to 5 minutes for the model to load
    std::ifstream in(port_file);
    if (in >> s.port && s.port > 0) return s;
    if (waitpid(s.pid, nullptr, WNOHANG) == s.pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "bench_serve: the server did not start (see %s/server.log)\n", dir.c_str());
  std::exit(1);
}

double peak_rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0.0;
}

void stop_server(const Server& s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

struct Load {
  int clients = 0;
  int64_t requests = 0, errors = 0;
  double seconds = 0, p50 = 0, p95 = 0, p99 = 0;
};

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0.0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

Load run_load(int port, const std::vector<std::string>& lines, int clients, double seconds) {
  std::atomic<size_t> next{0};
  std::atomic<int64_t> errors{0};
  std::mutex mu;
  std::vector<double> latencies;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const int64_t max_requests = 200000;  // a bound besides time
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_read_timeout(60, 0);
      std::vector<double> mine;
      while (Clock::now() < end) {
        const size_t i = next++;
        if (static_cast<int64_t>(i) >= max_requests) break;
        const std::string body = nlohmann::json{{"q", lines[i % lines.size()]}}.dump();
        const auto r0 = Clock::now();
        auto res = cli.Post("/translate", body, "application/json");
        const double dt = std::chrono::duration<double>(Clock::now() - r0).count();
        if (!res || res->status != 200) {
          ++errors;
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        mine.push_back(dt);
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  Load l;
  l.clients = clients;
  l.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  l.requests = static_cast<int64_t>(latencies.size());
  l.errors = errors;
  l.p50 = percentile(latencies, 0.50);
  l.p95 = percentile(latencies, 0.95);
  l.p99 = percentile(latencies, 0.99);
  return l;
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::atoi(item.c_str()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const char* shared = std::getenv("NMT_SHARED_DATA");
  std::string test =
      std::string(shared ? shared : "/work/shared/data") + "/multi30k/test_2016_flickr.en.gz";
  std::string model, threads = "0", delay = "10";
  std::string nmt = (fs::path(argv[0]).parent_path() / ".." / "app" / "nmt").string();
  double seconds = 20;
  std::vector<int> clients = {1, 8, 32, 64};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--nmt")
      nmt = value();
    else if (a == "--seconds")
      seconds = std::atof(value().c_str());
    else if (a == "--clients")
      clients = parse_list(value());
    else if (a == "--threads")
      threads = value();
    else if (a == "--test")
      test = value();
    else if (a == "--max-delay-ms")
      delay = value();
    else
      model = a;
  }
  if (model.empty() || !fs::exists(model) || !fs::exists(test)) {
    std::printf(
        "bench_serve: skipped: give a trained model directory (e.g. runs/demo-en-de after "
        "scripts/demo.sh) and the test file (%s)\n",
        test.c_str());
    return 0;
  }
  const std::vector<std::string> lines = nmt::read_lines(test);
  char tmpl[] = "/tmp/nmt-bench-serve-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::printf(
      "bench_serve: %s, %zu sentences from %s, %.0f s per load, single-sentence requests, "
      "server --threads %s\n",
      model.c_str(), lines.size(), test.c_str(), seconds, threads.c_str());
  struct Mode {
    const char* name;
    std::vector<std::string> flags;
  };
  const std::vector<Mode> modes = {
      {"dynamic batching", {"--threads", threads, "--max-delay-ms", delay}},
      {"one at a time",
       {"--threads", threads, "--max-delay-ms", "0", "--max-batch-sentences", "1"}},
  };
  std::vector<std::vector<Load>> all;
  for (const Mode& mode : modes) {
    const Server s = start_server(nmt, model, mode.flags, dir);
    run_load(s.port, lines, 4, 3.0);  // warm-up: oneDNN primitives, allocator
    std::vector<Load> loads;
    std::printf("\n[%s]\n%8s %10s %12s %9s %9s %9s %7s\n", mode.name, "clients", "requests/s",
                "sentences/s", "p50 ms", "p95 ms", "p99 ms", "errors");
    for (int c : clients) {
      const Load l = run_load(s.port, lines, c, seconds);
      std::printf("%8d %10.1f %12.1f %9.1f %9.1f %9.1f %7lld\n", c, l.requests / l.seconds,
                  l.requests / l.seconds, l.p50 * 1e3, l.p95 * 1e3, l.p99 * 1e3,
                  static_cast<long long>(l.errors));
      std::fflush(stdout);
      loads.push_back(l);
    }
    std::printf("server peak RSS: %.0f MiB\n", peak_rss_mib(s.pid));
    stop_server(s);
    all.push_back(loads);
  }
  std::printf("\nsentences/s, dynamic batching / one at a time:");
  for (size_t k = 0; k < clients.size(); ++k) {
    const double a = all[0][k].requests / all[0][k].seconds;
    const double b = all[1][k].requests / all[1][k].seconds;
    std::printf("  C=%d %.2fx", clients[k], b > 0 ? a / b : 0.0);
  }
  std::printf("\n");
  fs::remove_all(dir);
  return 0;
}
