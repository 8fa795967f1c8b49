// What `nmt serve` counts, rendered in Prometheus' text exposition format for GET /metrics:
// requests by endpoint and status, sentences and tokens translated, model batches with a
// histogram of their size in sentences, request latency, and the queue depth. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nmt::serving {

// A cumulative histogram with fixed upper bounds (a last +Inf bucket is implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // NAME_bucket{le="..."} lines, NAME_sum and NAME_count, after # HELP and # TYPE.
  std::string render(const std::string& name, const std::string& help) const;
  uint64_t count() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; the last one is +Inf
  double sum_ = 0.0;
  uint64_t count_ = 0;
};

class ServeMetrics {
 public:
  ServeMetrics();

  // One HTTP request answered: its endpoint ("/translate"), status and wall time.
  void request_done(const std::string& endpoint, int status, double seconds);
  // One model batch decoded.
  void batch_done(int64_t sentences, int64_t source_tokens, int64_t target_tokens, double seconds);

  // The whole exposition; queue_depth is sampled by the caller.
  std::string render(int64_t queue_depth, int64_t queue_capacity) const;

  int64_t sentences() const;
  int64_t batches() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  int64_t sentences_ = 0, source_tokens_ = 0, target_tokens_ = 0, batches_ = 0;
  Histogram batch_sentences_;
  Histogram batch_seconds_;
  Histogram latency_;
};

}  // namespace nmt::serving
