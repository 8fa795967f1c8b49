// Runs a shell command for end-to-end tests and captures its exit code, stdout and stderr.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace nmt::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh temporary directory, removed by the destructor.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/nmt-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// Runs `command` through /bin/sh (so it may hold redirections) with `input` on stdin.
inline CommandResult run_command(const std::string& command, const std::string& input = "") {
  TempDir dir;
  write_file(dir / "in", input);
  const std::string cmd = command + " < " + dir / "in" + " > " + dir / "out" + " 2> " + dir / "err";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(dir / "out");
  r.err = read_file(dir / "err");
  return r;
}

// Runs `NMT_BINARY args` (through /bin/sh, so args may hold redirections) with `input` on stdin.
inline CommandResult run_nmt(const std::string& args, const std::string& input = "") {
  return run_command(std::string(NMT_BINARY) + " " + args, input);
}

}  // namespace nmt::test
