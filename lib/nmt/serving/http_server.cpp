#include "nmt/serving/http_server.h"

#include <httplib.h>

#include <chrono>
#include <functional>

#include "nmt/report/attention_examples.h"
#include "nmt/report/attention_page.h"
#include "nmt/serving/page.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/version.h"

namespace nmt::serving {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct TranslationServer::Impl {
  Impl(DecodingModel& m, DecodeConfig d, torch::Device dev, ServerOptions o)
      : model(m),
        defaults(std::move(d)),
        device(dev),
        options(std::move(o)),
        batching(m, dev, options.batching, &metrics) {}

  DecodingModel& model;
  DecodeConfig defaults;
  torch::Device device;
  ServerOptions options;
  ServeMetrics metrics;
  BatchingTranslator batching;
  httplib::Server http;

  void routes();
  void answer(const char* endpoint, httplib::Response& res, const std::function<void()>& answer);
  void translate(const httplib::Request& req, httplib::Response& res);
  void attention(const httplib::Request& req, httplib::Response& res);
  json info() const;
};

namespace {

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

// Runs `answer` (which fills `res` on success) and turns what it throws into the documented
// error answers; records the request in the metrics either way.
void TranslationServer::Impl::answer(const char* endpoint, httplib::Response& res,
                                     const std::function<void()>& answer) {
  const auto t0 = Clock::now();
  int status = 200;
  try {
    answer();
  } catch (const ApiError& e) {
    status = e.status;
    send_json(res, status, error_json(e.what(), e.field));
  } catch (const BadLine& e) {
    status = 400;
    send_json(res, status, error_json(e.what(), "q"));
  } catch (const QueueFull& e) {
    status = 503;
    res.set_header("Retry-After", "1");
    send_json(res, status, error_json(e.what()));
  } catch (const std::exception& e) {
    status = 500;
    log::error("serve: POST ", endpoint, ": ", e.what());
    send_json(res, status, error_json(std::string("decoding failed: ") + e.what()));
  }
  metrics.request_done(endpoint, status, seconds_since(t0));
}

void TranslationServer::Impl::translate(const httplib::Request& req, httplib::Response& res) {
  answer("/translate", res, [&] {
    const ParsedRequest parsed = parse_translate_request(req.body, defaults, options.limits);
    std::future<TranslationReply> reply = batching.submit(parsed.request);
    send_json(res, 200, translate_answer(parsed, reply.get()).dump());
  });
}

void TranslationServer::Impl::attention(const httplib::Request& req, httplib::Response& res) {
  answer("/attention", res, [&] {
    ParsedRequest parsed = parse_translate_request(req.body, defaults, options.limits);
    if (!parsed.single) throw ApiError(400, "q", "q must be one sentence (a string) here");
    if (parsed.request.lines[0].empty()) throw ApiError(400, "q", "q is empty");
    const std::string source = parsed.request.lines[0];
    const int64_t beam = parsed.request.decode.beam;
    std::future<std::string> done = batching.run_exclusive([this, source, beam] {
      report::AttentionExampleOptions o;
      o.beam = beam;
      const auto sentences = report::attention_sentences(model, {source}, {}, o);
      return json{{"translation", sentences.at(0).translation},
                  {"svg", report::attention_svg(sentences)}}
          .dump();
    });
    send_json(res, 200, done.get());
  });
}

json TranslationServer::Impl::info() const {
  const Config& c = model.config;
  const json cfg = to_json(c);
  json decode = to_json(Config{c.model, c.data, c.train, defaults})["decode"];
  return {
      {"version", NMT_VERSION},
      {"model_file", model.paths.model_file},
      {"parameters", model.model->parameter_summary()},
      {"model", cfg["model"]},
      {"decode", decode},
      {"precision", model.precision},
      {"device", device.str()},
      {"vocabulary",
       {{"source", model.source->vocab_size()},
        {"target", model.target->vocab_size()},
        {"joint", model.source == model.target},
        {"source_file", model.paths.src_vocab},
        {"target_file", model.paths.tgt_vocab}}},
      {"limits",
       {{"max_request_bytes", options.max_request_bytes},
        {"max_lines", options.limits.max_lines},
        {"max_beam", options.limits.max_beam},
        {"max_source_pieces", batching.max_source_tokens()},
        {"max_batch_tokens", options.batching.max_batch_tokens},
        {"max_batch_sentences", options.batching.max_batch_sentences},
        {"max_delay_ms", options.batching.max_delay_ms},
        {"queue_sentences", options.batching.max_queue_sentences}}},
  };
}

void TranslationServer::Impl::routes() {
  http.Post("/translate",
            [this](const httplib::Request& q, httplib::Response& r) { translate(q, r); });
  http.Post("/attention",
            [this](const httplib::Request& q, httplib::Response& r) { attention(q, r); });
  http.Get("/health", [this](const httplib::Request&, httplib::Response& r) {
    send_json(
        r, 200,
        json{{"status", "ok"}, {"model", "loaded"}, {"queue_sentences", batching.queue_sentences()}}
            .dump());
    metrics.request_done("/health", 200, 0.0);
  });
  http.Get("/info", [this](const httplib::Request&, httplib::Response& r) {
    send_json(r, 200, info().dump(2));
    metrics.request_done("/info", 200, 0.0);
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& r) {
    r.set_content(metrics.render(batching.queue_sentences(), options.batching.max_queue_sentences),
                  "text/plain; version=0.0.4");
  });
  http.Get("/", [this](const httplib::Request&, httplib::Response& r) {
    r.set_content(translation_page(), "text/html; charset=utf-8");
    metrics.request_done("/", 200, 0.0);
  });
  // Whatever httplib itself refuses (404, 405, 413 over --max-request-bytes, 400 for a
  // malformed request line) gets a JSON body too; handlers' own errors already have one.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& q, httplib::Response& r) {
        if (!r.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string what = "HTTP " + std::to_string(r.status);
        if (r.status == 404) what = "no such endpoint: " + q.method + " " + q.path;
        if (r.status == 413)
          what = "request body over the server's limit of " +
                 std::to_string(options.max_request_bytes) + " bytes (--max-request-bytes)";
        send_json(r, r.status, error_json(what, r.status == 413 ? "body" : ""));
        if (q.path == "/translate") metrics.request_done("/translate", r.status, 0.0);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& r, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_json(r, 500, error_json(what));
      });
}

TranslationServer::TranslationServer(DecodingModel& model, DecodeConfig defaults,
                                     torch::Device device, ServerOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(defaults), device, std::move(options))) {
  const ServerOptions& o = impl_->options;
  if (o.http_threads < 1) throw ConfigError("--http-threads must be >= 1");
  if (o.max_request_bytes < 1) throw ConfigError("--max-request-bytes must be >= 1");
  if (o.limits.max_lines < 1) throw ConfigError("--max-lines must be >= 1");
  auto& http = impl_->http;
  const size_t threads = static_cast<size_t>(o.http_threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(static_cast<size_t>(o.max_request_bytes));
  http.set_read_timeout(static_cast<time_t>(o.read_timeout_s), 0);
  http.set_write_timeout(static_cast<time_t>(o.read_timeout_s), 0);
  http.set_keep_alive_timeout(static_cast<time_t>(o.keep_alive_s));
  http.set_keep_alive_max_count(1000);
  impl_->routes();
}

TranslationServer::~TranslationServer() {
  stop();
  impl_->batching.stop();
}

int TranslationServer::bind() {
  const ServerOptions& o = impl_->options;
  int port = o.port;
  if (o.port == 0) {
    port = impl_->http.bind_to_any_port(o.host);
  } else if (!impl_->http.bind_to_port(o.host, o.port)) {
    port = -1;
  }
  if (port <= 0)
    throw DataError("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                    " (address in use, or not an address of this machine)");
  return port;
}

void TranslationServer::serve() {
  impl_->http.listen_after_bind();  // returns once stop() is called and the pool has drained
  impl_->batching.stop();
}

void TranslationServer::stop() { impl_->http.stop(); }

ServeMetrics& TranslationServer::metrics() { return impl_->metrics; }
BatchingTranslator& TranslationServer::batching() { return impl_->batching; }

}  // namespace nmt::serving
