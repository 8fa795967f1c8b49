#include "nmt/serving/serve_metrics.h"

#include <cstdio>
#include <sstream>

namespace nmt::serving {
namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void counter(std::ostringstream& out, const std::string& name, const std::string& help,
             int64_t value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
      << name << ' ' << value << '\n';
}

void gauge(std::ostringstream& out, const std::string& name, const std::string& help,
           int64_t value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
      << name << ' ' << value << '\n';
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  size_t b = 0;
  while (b < bounds_.size() && value > bounds_[b]) ++b;
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[b];
  sum_ += value;
  ++count_;
}

uint64_t Histogram::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

std::string Histogram::render(const std::string& name, const std::string& help) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= bounds_.size(); ++b) {
    cumulative += counts_[b];
    const std::string le = b < bounds_.size() ? number(bounds_[b]) : "+Inf";
    out << name << "_bucket{le=\"" << le << "\"} " << cumulative << '\n';
  }
  out << name << "_sum " << number(sum_) << '\n' << name << "_count " << count_ << '\n';
  return out.str();
}

ServeMetrics::ServeMetrics()
    : batch_sentences_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}),
      batch_seconds_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      latency_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}) {}

void ServeMetrics::request_done(const std::string& endpoint, int status, double seconds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[{endpoint, status}];
  }
  if (endpoint == "/translate") latency_.observe(seconds);
}

void ServeMetrics::batch_done(int64_t sentences, int64_t source_tokens, int64_t target_tokens,
                              double seconds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sentences_ += sentences;
    source_tokens_ += source_tokens;
    target_tokens_ += target_tokens;
    ++batches_;
  }
  batch_sentences_.observe(static_cast<double>(sentences));
  batch_seconds_.observe(seconds);
}

int64_t ServeMetrics::sentences() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sentences_;
}

int64_t ServeMetrics::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

std::string ServeMetrics::render(int64_t queue_depth, int64_t queue_capacity) const {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out << "# HELP nmt_requests_total HTTP requests answered, by endpoint and status code\n"
           "# TYPE nmt_requests_total counter\n";
    for (const auto& [key, n] : requests_)
      out << "nmt_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second << "\"} "
          << n << '\n';
    counter(out, "nmt_sentences_total", "Sentences translated (empty lines included)", sentences_);
    counter(out, "nmt_source_tokens_total", "Source pieces read by the model", source_tokens_);
    counter(out, "nmt_target_tokens_total", "Target pieces of the best hypotheses", target_tokens_);
    counter(out, "nmt_batches_total", "Model batches decoded", batches_);
  }
  gauge(out, "nmt_queue_sentences", "Sentences waiting for the decoder", queue_depth);
  gauge(out, "nmt_queue_capacity_sentences", "Sentences the queue admits (--queue)",
        queue_capacity);
  out << batch_sentences_.render("nmt_batch_sentences", "Sentences per decoded batch");
  out << batch_seconds_.render("nmt_batch_seconds", "Wall time of one decoded batch");
  out << latency_.render("nmt_request_seconds", "Latency of POST /translate, arrival to answer");
  return out.str();
}

}  // namespace nmt::serving
