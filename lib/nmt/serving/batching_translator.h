// Dynamic batching for `nmt serve`: one decoding worker takes sentences from every waiting
// request and decodes them together under a token budget, waiting at most `max_delay_ms` after
// the oldest waiting request arrived for more to join. Requests are only batched with requests
// that ask for the same search (beam, n-best, length penalty, limits), so a sentence's result
// depends on nothing but the sentence and its options: the Translator's batches are
// batch-independent (padding is masked), which tests/serving checks against `nmt translate`.
//
// Tokenization and the UTF-8 check run in the caller's thread (an HTTP worker), detokenization
// in the decoding worker. The queue is bounded in sentences: a request that would overflow it
// gets QueueFull at once instead of piling up memory. Anything else that needs the model (the
// attention page) runs on the same worker through run_exclusive, never beside a batch.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nmt/decoding/line_translator.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/serving/serve_metrics.h"

namespace nmt::serving {

struct BatchingOptions {
  int64_t max_batch_tokens = 6000;     // per model batch: source tokens (+ EOS) x hypotheses kept
  int64_t max_batch_sentences = 0;     // per model batch; 0 = only the token budget limits it
  int64_t max_delay_ms = 10;           // longest wait for a batch to fill (0 = decode at once)
  int64_t max_queue_sentences = 2048;  // sentences waiting at most; more gets QueueFull
};

struct TranslationRequest {
  std::vector<std::string> lines;
  DecodeConfig decode;     // the search; `sample` must be off
  bool alignment = false;  // keep cross-attention for hard alignments
};

struct TranslationReply {
  std::vector<LineTranslation> lines;  // one per request line, in order
  std::vector<std::string> warnings;   // e.g. a line cropped to the model's length
};

// The queue cannot take the request now (full, or the server is stopping): HTTP 503.
struct QueueFull : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A request line is unusable (invalid UTF-8): HTTP 400. `line` is 0-based.
struct BadLine : std::runtime_error {
  BadLine(size_t line, const std::string& what) : std::runtime_error(what), line(line) {}
  size_t line;
};

class BatchingTranslator {
 public:
  // `model` must outlive this object; it is used by the worker thread only.
  BatchingTranslator(DecodingModel& model, torch::Device device, BatchingOptions options,
                     ServeMetrics* metrics = nullptr);
  ~BatchingTranslator();  // stop()

  // Queues a request. Throws QueueFull or BadLine; the future throws what decoding threw.
  std::future<TranslationReply> submit(TranslationRequest request);
  // Runs `job` on the worker between batches (the model is not safe to share between threads).
  std::future<std::string> run_exclusive(std::function<std::string()> job);

  int64_t queue_sentences() const;  // sentences waiting, not yet in a batch
  const BatchingOptions& options() const { return options_; }
  int64_t max_source_tokens() const { return max_source_tokens_; }

  // Refuses new requests, finishes every queued one, then joins the worker. Idempotent.
  void stop();

 private:
  struct Pending;
  void run();
  bool batch_ready(std::chrono::steady_clock::time_point now) const;
  std::vector<std::unique_ptr<Pending>> take_batch();
  void decode(std::vector<std::unique_ptr<Pending>>& batch);

  DecodingModel& model_;
  torch::Device device_;
  BatchingOptions options_;
  ServeMetrics* metrics_;
  int64_t max_source_tokens_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Pending>> queue_;
  int64_t queued_sentences_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace nmt::serving
