// Headless Chromium for tests that check generated SVG/HTML really loads in a browser: no XML
// parse errors, no console errors, and a screenshot that is not blank. scripts/setup.sh installs
// Debian's chromium. Without /usr/bin/chromium the tests skip with a message, except under CI
// (CI set in the environment, as .ci/run has it), where they fail: a browser test that CI never
// runs is a test that can never fail.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

#include "support/run_command.h"

namespace nmt::test {

inline const char* kChromium = "/usr/bin/chromium";

inline bool chromium_available() { return access(kChromium, X_OK) == 0; }

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string(ci) != "0" && std::string(ci) != "false";
}

// First statement of a browser test: skips it without Chromium, fails it under CI.
#define NMT_REQUIRE_CHROMIUM()                                                                \
  do {                                                                                        \
    if (!::nmt::test::chromium_available()) {                                                 \
      if (::nmt::test::running_in_ci()) FAIL() << ::nmt::test::kChromium << " missing in CI"; \
      GTEST_SKIP() << "chromium not installed (apt-get install chromium)";                    \
    }                                                                                         \
  } while (0)

struct BrowserResult {
  int exit_code = -1;
  std::string dom;         // --dump-dom output (the document after loading)
  std::string log;         // Chromium's stderr with console messages
  std::string screenshot;  // PNG bytes of a 1200x900 rendering
};

// Loads `path` in headless Chromium with a fresh profile and no network services, dumps the DOM and
// takes a screenshot in the same run (each launch costs seconds). A blank page's screenshot is
// about 5 KB; anything drawn makes it larger.
inline BrowserResult run_chromium(const std::string& path) {
  TempDir profile;
  const std::string screenshot = profile / "shot.png";
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking "
      "--disable-component-update --disable-sync --enable-logging=stderr --v=0 --user-data-dir=" +
      profile.path;
  const std::string action = "--dump-dom --screenshot=" + screenshot + " --window-size=1200,900";
  const std::string cmd = "timeout 120 " + std::string(kChromium) + " " + flags + " " + action +
                          " 'file://" + path + "' > " + profile / "out" + " 2> " + profile / "err";
  const int status = std::system(cmd.c_str());
  BrowserResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.dom = read_file(profile / "out");
  r.log = read_file(profile / "err");
  r.screenshot = read_file(screenshot);
  return r;
}

// Console messages in Chromium's log ("" when clean). Our pages hold no scripts, so any console
// message (an exception, a resource that failed to load, a CSP violation) is a defect.
inline std::string console_errors(const std::string& log) {
  std::string out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find("Uncaught") != std::string::npos || line.find(":CONSOLE") != std::string::npos ||
        line.find("CONSOLE(") != std::string::npos)
      out += line + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace nmt::test
