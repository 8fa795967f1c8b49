// Drives headless Chromium through the DevTools protocol over --remote-debugging-pipe (commands
// on the child's fd 3, answers and events on its fd 4, each message JSON ending in a NUL byte):
// open a page, type into it with Input.insertText, click with real mouse events, read the DOM
// through Runtime.evaluate, take a screenshot. No WebSocket and no npm package needed.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/chromium.h"
#include "support/run_command.h"

namespace nmt::test {

class CdpBrowser {
 public:
  CdpBrowser() {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    const std::string profile_arg = "--user-data-dir=" + profile_.path;
    std::vector<std::string> args = {kChromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--remote-debugging-pipe",
                                     "--window-size=1100,800",
                                     profile_arg,
                                     "about:blank"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = profile_ / "chromium.log";
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);  // its own process group: the destructor ends Chromium's helpers with it
      // The child reads commands on fd 3 and writes on fd 4.
      dup2(to_child[0], 3);
      dup2(from_child[1], 4);
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
      for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1], log_fd})
        if (fd > 4) ::close(fd);
      execv(kChromium, argv.data());
      _exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    ::close(log_fd);
    out_ = to_child[1];
    in_ = from_child[0];
  }

  // Closes the browser (so it stops writing into its profile before the profile is removed),
  // then kills whatever of its process group is left.
  ~CdpBrowser() {
    try {
      call("Browser.close", nlohmann::json::object(), true, std::chrono::seconds(5));
    } catch (...) {
    }
    if (out_ >= 0) ::close(out_);
    if (in_ >= 0) ::close(in_);
    if (pid_ > 0) {
      for (int i = 0; i < 100 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Sends a command (to the attached page unless `browser_level`) and returns its result.
  // Throws on a protocol error or when no answer comes within `timeout`.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      bool browser_level = false,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const int id = ++next_id_;
    nlohmann::json msg = {{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!browser_level && !session_.empty()) msg["sessionId"] = session_;
    const std::string text = msg.dump() + std::string(1, '\0');
    if (::write(out_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("cannot write to chromium's pipe");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      nlohmann::json m = read_message(deadline);
      if (m.contains("id") && m["id"] == id) {
        if (m.contains("error")) throw std::runtime_error(method + ": " + m["error"].dump());
        return m.value("result", nlohmann::json::object());
      }
      events_.push_back(std::move(m));
    }
  }

  // Opens `url` in a new tab, attaches to it and waits for its load event.
  void open(const std::string& url) {
    const auto target = call("Target.createTarget", {{"url", "about:blank"}}, true);
    const auto attached =
        call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, true);
    session_ = attached["sessionId"].get<std::string>();
    call("Page.enable");
    call("Runtime.enable");
    events_.clear();
    call("Page.navigate", {{"url", url}});
    wait_event("Page.loadEventFired", std::chrono::seconds(60));
  }

  // The value of a JavaScript expression (awaited when it is a promise).
  nlohmann::json eval(const std::string& expression) {
    const auto r =
        call("Runtime.evaluate",
             {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
    if (r.contains("exceptionDetails"))
      throw std::runtime_error("JavaScript threw: " + r["exceptionDetails"].dump());
    return r["result"].value("value", nlohmann::json());
  }

  // Types `text` into the element with this id as a keyboard would (focus, then insertText).
  void type_into(const std::string& id, const std::string& text) {
    eval("document.getElementById(" + nlohmann::json(id).dump() + ").focus()");
    call("Input.insertText", {{"text", text}});
  }

  // A left click with the mouse at the centre of the element with this id.
  void click(const std::string& id) {
    const auto xy =
        eval("(() => { const r = document.getElementById(" + nlohmann::json(id).dump() +
             ").getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    for (const char* type : {"mouseMoved", "mousePressed", "mouseReleased"}) {
      nlohmann::json p = {{"type", type}, {"x", xy[0]}, {"y", xy[1]}};
      if (std::string(type) != "mouseMoved") {
        p["button"] = "left";
        p["clickCount"] = 1;
      }
      call("Input.dispatchMouseEvent", p);
    }
  }

  // Polls `expression` until it gives a non-empty string, or "" after `timeout`.
  std::string wait_for_text(const std::string& expression, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto v = eval(expression);
      if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

  // PNG bytes of the viewport.
  std::string screenshot() {
    return base64_decode(call("Page.captureScreenshot", {{"format", "png"}})["data"]);
  }

  // Console messages and exceptions the page reported (Runtime events), one a line.
  std::string console_messages() const {
    std::string out;
    for (const auto& e : events_) {
      const std::string m = e.value("method", "");
      if (m == "Runtime.exceptionThrown" ||
          (m == "Runtime.consoleAPICalled" && e["params"].value("type", "") == "error"))
        out += e["params"].dump() + "\n";
    }
    return out;
  }

  void wait_event(const std::string& method, std::chrono::seconds timeout) {
    for (const auto& e : events_)
      if (e.value("method", "") == method) return;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      nlohmann::json m = read_message(deadline);
      const bool hit = m.value("method", "") == method;
      events_.push_back(std::move(m));
      if (hit) return;
    }
  }

 private:
  nlohmann::json read_message(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      const size_t nul = buffer_.find('\0');
      if (nul != std::string::npos) {
        const std::string text = buffer_.substr(0, nul);
        buffer_.erase(0, nul + 1);
        return nlohmann::json::parse(text);
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("no answer from chromium in time");
      pollfd p{in_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[65536];
      const ssize_t n = ::read(in_, chunk, sizeof chunk);
      if (n <= 0)
        throw std::runtime_error("chromium closed its pipe: " +
                                 read_file(profile_ / "chromium.log"));
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  static std::string base64_decode(const std::string& in) {
    std::string out;
    int value = 0, bits = -8;
    for (unsigned char c : in) {
      int d;
      if (c >= 'A' && c <= 'Z')
        d = c - 'A';
      else if (c >= 'a' && c <= 'z')
        d = c - 'a' + 26;
      else if (c >= '0' && c <= '9')
        d = c - '0' + 52;
      else if (c == '+')
        d = 62;
      else if (c == '/')
        d = 63;
      else
        continue;
      value = (value << 6) + d;
      bits += 6;
      if (bits >= 0) {
        out.push_back(static_cast<char>((value >> bits) & 0xFF));
        bits -= 8;
      }
    }
    return out;
  }

  TempDir profile_;
  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  int next_id_ = 0;
  std::string session_;
  std::string buffer_;
  std::vector<nlohmann::json> events_;
};

}  // namespace nmt::test
