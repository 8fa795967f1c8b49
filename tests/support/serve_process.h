// `nmt serve` as a child process on an ephemeral loopback port, for tests and bench_serve:
// started with --port 0 --port-file, ready once the port file appears.
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/run_command.h"

namespace nmt::test {

class ServeProcess {
 public:
  // Starts `nmt serve -m MODEL ARGS... --port 0 --port-file ...` and waits until it listens.
  ServeProcess(const std::string& nmt_binary, const std::string& model,
               const std::vector<std::string>& args,
               std::chrono::seconds limit = std::chrono::seconds(120)) {
    std::vector<std::string> all = {"serve", "-m",          model,        "--port",
                                    "0",     "--port-file", dir_ / "port"};
    all.insert(all.end(), args.begin(), args.end());
    child_.start(nmt_binary, all, {}, dir_ / "out", dir_ / "err");
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (read_file(dir_ / "port").empty()) {
      if (!child_.running() || std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("nmt serve did not start: " + child_.err());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    port_ = std::stoi(read_file(dir_ / "port"));
  }

  int port() const { return port_; }
  ChildProcess& child() { return child_; }
  std::string log() const { return child_.err(); }

 private:
  TempDir dir_;
  ChildProcess child_;
  int port_ = 0;
};

}  // namespace nmt::test
