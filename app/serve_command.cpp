// `nmt serve`: an HTTP translation server over a model directory (docs/serving.md). The decode
// flags of `nmt translate` set the defaults of every request; the server flags its limits.
// SIGINT/SIGTERM stop accepting connections, answer the requests in flight, and exit 0.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <memory>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "commands.h"
#include "decode_options.h"
#include "nmt/serving/http_server.h"
#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

struct ServeCommandOptions {
  ModelOptions model;
  SearchFlags search;
  serving::ServerOptions server;
  std::string port_file;         // written with the port once listening (for scripts and tests)
  int64_t max_batch_tokens = 0;  // 0 = --batch-tokens (decode.batch_tokens)
};

// SIGINT/SIGTERM reach a handler that only writes the signal number to a pipe (whichever thread
// the kernel picks, LibTorch's included); a watcher thread reads it and stops the server.
int stop_pipe[2] = {-1, -1};

void on_serve_stop_signal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const ssize_t n = ::write(stop_pipe[1], &b, 1);
}

void install_stop_signals() {
  if (::pipe(stop_pipe) != 0) throw std::runtime_error("serve: cannot create a pipe");
  struct sigaction sa {};
  sa.sa_handler = on_serve_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error return, not a death
}

void run_serve(ServeCommandOptions& o) {
  install_stop_signals();
  check_device(o.model.runtime.device);
  // Decoding leaves one core to the HTTP threads (parsing, tokenizing, answering): LibTorch's
  // OpenMP threads spin at barriers, and one preempted by an HTTP thread stalls the whole team.
  // Measured with bench_serve on 2 cores (README, "Serving"): 2 decoding threads served 10.6
  // sentences/s at 32 clients, 1 thread 32.2.
  if (o.model.runtime.threads == 0) o.model.runtime.threads = std::max(1, default_threads() - 1);
  DecodingModel m = load_model(o.model);
  DecodeConfig defaults = o.search.apply(m.config.decode);
  defaults.sample = false;  // a server searches; sampling stays with nmt translate --sample
  o.server.batching.max_batch_tokens =
      o.max_batch_tokens > 0 ? o.max_batch_tokens : defaults.batch_tokens;
  const torch::Device device(check_device(o.model.runtime.device));
  serving::TranslationServer server(m, defaults, device, o.server);
  const int port = server.bind();

  if (!o.port_file.empty()) atomic_write_bytes(o.port_file, std::to_string(port) + "\n");
  // Joined before `server` goes: serve() returning (for whatever reason) wakes it with a 0.
  std::thread watcher([&server] {
    unsigned char sig = 0;
    while (::read(stop_pipe[0], &sig, 1) < 0 && errno == EINTR) {
    }
    if (sig == 0) return;
    log::info("serve: ", sig == SIGINT ? "SIGINT" : "SIGTERM",
              ": finishing the requests in flight, then exiting");
    server.stop();
  });

  log::info("serving on http://", o.server.host, ":", port, " (", o.model.runtime.threads,
            " decoding thread(s), ", o.server.http_threads, " HTTP threads; batches of up to ",
            o.server.batching.max_batch_tokens, " tokens, waiting at most ",
            o.server.batching.max_delay_ms, " ms; queue ", o.server.batching.max_queue_sentences,
            " sentences)");
  server.serve();
  on_serve_stop_signal(0);
  watcher.join();
  log::info("serve: stopped after ", server.metrics().sentences(), " sentences");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeCommandOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve a model over HTTP (JSON API and a web page)");
  cmd->footer(
      "Examples:\n"
      "  nmt serve -m runs/en-de                      http://127.0.0.1:8080/\n"
      "  curl -s localhost:8080/translate -H 'Content-Type: application/json' \\\n"
      "       -d '{\"q\": [\"A dog runs.\", \"Two men talk.\"]}'\n"
      "Requests from all clients are decoded together in batches (dynamic batching); the decode\n"
      "flags below are the defaults a request's \"beam\", \"nbest\", \"length_penalty\" override.\n"
      "See docs/serving.md for the API.");
  add_model_options(*cmd, o->model);
  add_search_options(*cmd, o->search, /*with_sampling=*/false);
  serving::ServerOptions& s = o->server;
  cmd->add_option("--host", s.host, "Address to listen on (loopback by default)")
      ->capture_default_str();
  cmd->add_option("--port", s.port, "TCP port (0 = any free port; see --port-file)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--port-file", o->port_file, "Write the port here once listening");
  cmd->add_option("--http-threads", s.http_threads,
                  "Connections served at once (each open connection holds one)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--max-batch-tokens", o->max_batch_tokens,
                  "Token budget of a model batch (0 = --batch-tokens, the model's decode default)")
      ->check(CLI::Range(0, 100000000));
  cmd->add_option("--max-delay-ms", s.batching.max_delay_ms,
                  "Longest wait for a batch to fill (0 = decode at once)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  cmd->add_option("--max-batch-sentences", s.batching.max_batch_sentences,
                  "Sentences per model batch (0 = only --batch-tokens limits it; 1 = no batching)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--queue", s.batching.max_queue_sentences,
                  "Sentences that may wait; a request past it gets 503 with Retry-After")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--max-request-bytes", s.max_request_bytes, "Largest request body (413 past it)")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  cmd->add_option("--max-lines", s.limits.max_lines, "Lines per request (413 past it)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-beam", s.limits.max_beam, "Largest beam a request may ask for")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--read-timeout", s.read_timeout_s,
                  "Seconds a client may stay silent mid-request before it is dropped")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--keep-alive", s.keep_alive_s, "Seconds an idle keep-alive connection is kept")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  cmd->callback([o] { run_serve(*o); });
}

}  // namespace nmt::app
