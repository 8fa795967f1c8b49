// `nmt serve`'s HTTP server (docs/serving.md): routes, limits and errors over a
// BatchingTranslator. Endpoints:
//   POST /translate   translate_api.h
//   POST /attention   {"q": "sentence"} -> {"translation", "svg"}: its cross-attention heatmap
//   GET  /health      {"status": "ok", "model": "loaded", "queue_sentences": N}
//   GET  /info        model config, vocabularies, precision, device, limits, version
//   GET  /metrics     Prometheus text (serve_metrics.h)
//   GET  /            the translation page (page.h)
// Every error is JSON {"error", "field"} with a 4xx/5xx status; a full queue is 503 with
// Retry-After. HTTP is cpp-httplib (Debian's libcpp-httplib): blocking I/O on a thread pool, so
// every connection holds a pool thread while it is open. Slow or idle clients are bounded by the
// read/write timeouts and a short keep-alive, and the pool is sized well above the decoder's
// threads (they only wait on the queue), so one client cannot starve the others.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

#include "nmt/decoding/model_dir.h"
#include "nmt/serving/batching_translator.h"
#include "nmt/serving/translate_api.h"

namespace nmt::serving {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless the user says otherwise
  int port = 8080;                 // 0 = any free port (bind() says which)
  int http_threads = 64;           // connections served at once
  int64_t max_request_bytes = 1 << 20;
  int64_t read_timeout_s = 5;  // a client that sends nothing for this long is dropped
  int64_t keep_alive_s = 2;    // an idle keep-alive connection is closed after this
  ApiLimits limits;
  BatchingOptions batching;
};

class TranslationServer {
 public:
  // `model` must outlive the server. `defaults`: the decode options requests start from.
  TranslationServer(DecodingModel& model, DecodeConfig defaults, torch::Device device,
                    ServerOptions options);
  ~TranslationServer();

  // Binds the listening socket; returns the port. Throws DataError when it cannot.
  int bind();
  // Serves until stop(); then finishes the requests in flight and the queued sentences.
  void serve();
  // Stops accepting connections (safe from any thread, e.g. a signal watcher).
  void stop();

  ServeMetrics& metrics();
  BatchingTranslator& batching();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nmt::serving
