#include "nmt/corpus/prefetcher.h"

#include <stdexcept>

#include "nmt/util/error.h"

namespace nmt {

namespace {
bool same(const DataPosition& a, const DataPosition& b) {
  return a.epoch == b.epoch && a.batches_done == b.batches_done;
}
}  // namespace

Prefetcher::Prefetcher(std::unique_ptr<BatchSource> source, int64_t capacity)
    : source_(std::move(source)), capacity_(static_cast<size_t>(capacity)) {
  if (!source_) throw std::invalid_argument("Prefetcher needs a source");  // a programming error
  if (capacity < 1)
    throw ConfigError("config key 'data.prefetch': must be at least 1, got " +
                      std::to_string(capacity));
  consumed_ = source_->position();
}

Prefetcher::~Prefetcher() { stop(); }

void Prefetcher::start(const DataPosition& position) {
  // The worker owns source_ from here until stop().
  source_->seek(position);
  producing_ = position;
  consumed_ = position;
  stopping_ = false;
  failed_ = false;
  started_ = true;
  worker_ = std::thread([this] { run(); });
}

void Prefetcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  not_full_.notify_all();
  if (worker_.joinable()) worker_.join();
  queue_.clear();
  started_ = false;
}

void Prefetcher::run() {
  bool epoch_ended = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      not_full_.wait(lock, [this] { return stopping_ || queue_.size() < capacity_; });
      if (stopping_) return;
    }
    Item item;
    try {
      // Straight on with the next epoch: the consumer's seek({epoch + 1, 0}) will find it ready.
      if (epoch_ended) source_->seek({source_->position().epoch + 1, 0});
      epoch_ended = false;
      item.before = source_->position();
      item.batch = source_->next();
      epoch_ended = !item.batch;
    } catch (...) {
      item.error = std::current_exception();
    }
    item.after = source_->position();
    std::lock_guard<std::mutex> lock(mutex_);
    const bool error = static_cast<bool>(item.error);
    producing_ = epoch_ended ? DataPosition{item.after.epoch + 1, 0} : item.after;
    queue_.push_back(std::move(item));
    not_empty_.notify_one();
    if (error) {
      failed_ = true;
      return;
    }
  }
}

void Prefetcher::seek(const DataPosition& position) {
  epoch_ended_ = false;
  if (started_) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Already being produced from there (the usual epoch change, or a no-op seek)?
    const bool ahead = !failed_ && (queue_.empty() ? same(producing_, position)
                                                   : same(queue_.front().before, position));
    if (ahead) {
      consumed_ = position;
      return;
    }
  }
  stop();
  start(position);
}

std::optional<Batch> Prefetcher::next() {
  // Like the wrapped source: after the end of an epoch, nothing until a seek.
  if (epoch_ended_) return std::nullopt;
  if (!started_) start(consumed_);
  std::unique_lock<std::mutex> lock(mutex_);
  not_empty_.wait(lock, [this] { return !queue_.empty(); });
  Item& front = queue_.front();
  // An error stays at the front: every next() re-throws it until a seek restarts the worker.
  if (front.error) std::rethrow_exception(front.error);
  Item item = std::move(front);
  queue_.pop_front();
  lock.unlock();
  not_full_.notify_one();
  if (item.batch)
    consumed_ = item.after;
  else
    epoch_ended_ = true;
  return std::move(item.batch);
}

DataPosition Prefetcher::position() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return consumed_;
}

}  // namespace nmt
