#include "nmt/serving/batching_translator.h"

#include <sstream>

#include "nmt/util/utf8.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt::serving {

using Clock = std::chrono::steady_clock;

struct BatchingTranslator::Pending {
  // A translation request (job empty) or an exclusive job.
  std::vector<std::vector<int64_t>> sources;
  DecodeConfig decode;
  bool alignment = false;
  std::string key;   // requests with equal keys may share a batch
  int64_t rows = 0;  // budget used: sum of (tokens + EOS) x hypotheses per sentence
  std::vector<std::string> warnings;
  std::promise<TranslationReply> reply;
  std::function<std::string()> job;
  std::promise<std::string> job_done;
  Clock::time_point arrival;
};

namespace {

// Every option that changes a search's result, so that only equal searches share a batch.
std::string search_key(const DecodeConfig& d, bool alignment) {
  std::ostringstream k;
  k.precision(17);
  k << d.beam << '|' << d.nbest << '|' << d.length_penalty << '|' << d.length_penalty_type << '|'
    << d.max_length_a << '|' << d.max_length_b << '|' << d.min_length << '|' << alignment;
  return k.str();
}

}  // namespace

BatchingTranslator::BatchingTranslator(DecodingModel& model, torch::Device device,
                                       BatchingOptions options, ServeMetrics* metrics)
    : model_(model),
      device_(device),
      options_(options),
      metrics_(metrics),
      max_source_tokens_(std::max<int64_t>(model.model->config().max_positions - 1, 1)) {
  if (options_.max_batch_tokens < 1) throw ConfigError("--max-batch-tokens must be >= 1");
  if (options_.max_batch_sentences < 0) throw ConfigError("--max-batch-sentences must be >= 0");
  if (options_.max_delay_ms < 0) throw ConfigError("--max-delay-ms must be >= 0");
  if (options_.max_queue_sentences < 1) throw ConfigError("--queue must be >= 1");
  worker_ = std::thread([this] { run(); });
}

BatchingTranslator::~BatchingTranslator() { stop(); }

void BatchingTranslator::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

int64_t BatchingTranslator::queue_sentences() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_sentences_;
}

std::future<TranslationReply> BatchingTranslator::submit(TranslationRequest request) {
  auto p = std::make_unique<Pending>();
  const int64_t hyps = std::max<int64_t>(request.decode.beam, 1);
  p->sources.resize(request.lines.size());
  for (size_t i = 0; i < request.lines.size(); ++i) {
    const std::string& line = request.lines[i];
    const size_t bad = find_invalid_utf8(line);
    if (bad != std::string::npos)
      throw BadLine(
          i, "q[" + std::to_string(i) + "]: invalid UTF-8 at byte " + std::to_string(bad + 1));
    const std::vector<int32_t> ids = model_.source->encode(line);
    p->sources[i].assign(ids.begin(), ids.end());
    const int64_t n = static_cast<int64_t>(ids.size());
    if (n > max_source_tokens_) {
      p->warnings.push_back("q[" + std::to_string(i) + "]: " + std::to_string(n) +
                            " source pieces exceed the model's limit of " +
                            std::to_string(max_source_tokens_) + "; translated the first " +
                            std::to_string(max_source_tokens_));
    }
    if (n > 0) p->rows += (std::min(n, max_source_tokens_) + 1) * hyps;
  }
  p->decode = request.decode;
  p->alignment = request.alignment;
  p->key = search_key(request.decode, request.alignment);
  p->arrival = Clock::now();
  std::future<TranslationReply> result = p->reply.get_future();
  const int64_t n = static_cast<int64_t>(p->sources.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) throw QueueFull("the server is shutting down");
    if (queued_sentences_ + n > options_.max_queue_sentences && queued_sentences_ > 0)
      throw QueueFull("the queue is full (" + std::to_string(queued_sentences_) +
                      " sentences waiting, --queue " +
                      std::to_string(options_.max_queue_sentences) + ")");
    queued_sentences_ += n;
    queue_.push_back(std::move(p));
  }
  wake_.notify_all();
  return result;
}

std::future<std::string> BatchingTranslator::run_exclusive(std::function<std::string()> job) {
  auto p = std::make_unique<Pending>();
  p->job = std::move(job);
  p->arrival = Clock::now();
  std::future<std::string> result = p->job_done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) throw QueueFull("the server is shutting down");
    queue_.push_back(std::move(p));
  }
  wake_.notify_all();
  return result;
}

// Under mu_: the front request's batch is full, or it has waited max_delay_ms.
bool BatchingTranslator::batch_ready(Clock::time_point now) const {
  const Pending& first = *queue_.front();
  if (first.job || stopping_) return true;
  if (now >= first.arrival + std::chrono::milliseconds(options_.max_delay_ms)) return true;
  int64_t rows = 0, sentences = 0;
  for (const auto& p : queue_) {
    if (p->job || p->key != first.key) continue;
    rows += p->rows;
    sentences += static_cast<int64_t>(p->sources.size());
    if (rows >= options_.max_batch_tokens) return true;
    if (options_.max_batch_sentences > 0 && sentences >= options_.max_batch_sentences) return true;
  }
  return false;
}

// Under mu_: the front request, and after it (in arrival order) every request with the same
// search that still fits the budgets.
std::vector<std::unique_ptr<BatchingTranslator::Pending>> BatchingTranslator::take_batch() {
  std::vector<std::unique_ptr<Pending>> batch;
  batch.push_back(std::move(queue_.front()));
  queue_.pop_front();
  if (batch.front()->job) return batch;
  const std::string key = batch.front()->key;
  int64_t rows = batch.front()->rows;
  int64_t sentences = static_cast<int64_t>(batch.front()->sources.size());
  for (auto it = queue_.begin(); it != queue_.end();) {
    Pending& p = **it;
    const int64_t n = static_cast<int64_t>(p.sources.size());
    const bool fits =
        rows + p.rows <= options_.max_batch_tokens &&
        (options_.max_batch_sentences == 0 || sentences + n <= options_.max_batch_sentences);
    if (p.job || p.key != key || !fits) {
      ++it;
      continue;
    }
    rows += p.rows;
    sentences += n;
    batch.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  for (const auto& p : batch) queued_sentences_ -= static_cast<int64_t>(p->sources.size());
  return batch;
}

void BatchingTranslator::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is done
    while (!batch_ready(Clock::now())) {
      wake_.wait_until(lock,
                       queue_.front()->arrival + std::chrono::milliseconds(options_.max_delay_ms));
    }
    std::vector<std::unique_ptr<Pending>> batch = take_batch();
    lock.unlock();
    if (batch.front()->job) {
      try {
        batch.front()->job_done.set_value(batch.front()->job());
      } catch (...) {
        batch.front()->job_done.set_exception(std::current_exception());
      }
    } else {
      decode(batch);
    }
    batch.clear();
    lock.lock();
  }
}

void BatchingTranslator::decode(std::vector<std::unique_ptr<Pending>>& batch) {
  try {
    std::vector<std::vector<int64_t>> sources;
    for (auto& p : batch)
      for (auto& s : p->sources) sources.push_back(std::move(s));
    TranslatorOptions topts = TranslatorOptions::from_config(batch.front()->decode);
    topts.batch_tokens = options_.max_batch_tokens;
    topts.search.keep_attention = batch.front()->alignment;
    Translator translator(model_.model, topts, device_);
    const std::vector<NBestList> results = translator.translate(sources, "serve batch");
    const TranslationStats& s = translator.stats();
    if (metrics_) metrics_->batch_done(s.sentences, s.source_tokens, s.target_tokens, s.seconds);
    size_t next = 0;
    for (auto& p : batch) {
      TranslationReply reply;
      reply.warnings = std::move(p->warnings);
      reply.lines.resize(p->sources.size());
      for (auto& line : reply.lines) {
        line.hypotheses = results[next++];
        for (const auto& h : line.hypotheses)
          line.texts.push_back(model_.target->decode(h.output_tokens()));
      }
      p->reply.set_value(std::move(reply));
    }
  } catch (const std::exception& e) {
    log::error("serve: a batch of ", batch.size(), " requests failed: ", e.what());
    for (auto& p : batch) {
      try {
        p->reply.set_exception(std::current_exception());
      } catch (const std::future_error&) {  // already answered
      }
    }
  }
}

}  // namespace nmt::serving
