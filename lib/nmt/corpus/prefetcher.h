// Prefetcher: runs a BatchSource on a background thread, keeping up to `capacity` batches ready,
// so the trainer never waits on reading and tokenization. It is itself a BatchSource and yields
// exactly the sequence the wrapped source would.
//
// At the end of an epoch the worker goes straight on with the next one ({epoch + 1, 0}), so the
// seek the trainer then makes costs nothing; any other seek discards the queue and restarts the
// worker there. An exception on the worker is re-thrown by next() (and again by every next()
// until the next seek). The destructor stops and joins the worker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "nmt/corpus/batch.h"

namespace nmt {

class Prefetcher : public BatchSource {
 public:
  // `capacity` >= 1: batches held ready (data.prefetch; ConfigError otherwise).
  Prefetcher(std::unique_ptr<BatchSource> source, int64_t capacity);
  ~Prefetcher() override;
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  void seek(const DataPosition& position) override;
  std::optional<Batch> next() override;
  DataPosition position() const override;

  // The wrapped source. Only its thread-safe members may be used while the worker runs
  // (e.g. TokenBatcher::stats() and padding()).
  BatchSource& source() { return *source_; }

 private:
  struct Item {
    std::optional<Batch> batch;  // nullopt without error: the end of the epoch
    std::exception_ptr error;
    DataPosition before;  // the source's position before this item
    DataPosition after;   // and after it
  };
  void start(const DataPosition& position);
  void stop();
  void run();

  std::unique_ptr<BatchSource> source_;
  const size_t capacity_;
  std::thread worker_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool failed_ = false;     // the worker stopped on an error (kept at the queue's end)
  DataPosition producing_;  // the position the worker produces from next
  DataPosition consumed_;   // the consumer's position
  bool started_ = false;
  bool epoch_ended_ = false;  // the consumer got the end of its epoch and has not sought since
};

}  // namespace nmt
