// Prefetcher: same sequence as direct reading, cheap epoch changes, errors re-thrown, clean stop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "corpus_fixture.h"
#include "nmt/corpus/prefetcher.h"
#include "nmt/corpus/token_batcher.h"

namespace {

using nmt::Batch;
using nmt::DataPosition;
using nmt::Prefetcher;
using namespace nmt::test;

// Epochs of `per_epoch` one-row batches whose id is epoch * 1000 + index; throws at `fail_at`.
class CountingSource : public nmt::BatchSource {
 public:
  CountingSource(int64_t per_epoch, int64_t fail_at = -1)
      : per_epoch_(per_epoch), fail_at_(fail_at) {}
  void seek(const DataPosition& p) override { pos_ = p; }
  std::optional<Batch> next() override {
    ++calls;
    if (pos_.batches_done == per_epoch_) return std::nullopt;
    const int64_t id = pos_.epoch * 1000 + pos_.batches_done;
    if (id == fail_at_) throw std::runtime_error("disk on fire at batch 3");
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++produced[id];
    }
    Batch b;
    b.ids = {id};
    ++pos_.batches_done;
    return b;
  }
  DataPosition position() const override { return pos_; }
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::map<int64_t, int> produced;  // batch id -> times produced

 private:
  int64_t per_epoch_, fail_at_;
  DataPosition pos_;
};

std::vector<int64_t> ids_of_epoch(nmt::BatchSource& source) {
  std::vector<int64_t> ids;
  while (auto b = source.next()) ids.push_back(b->ids[0]);
  return ids;
}

TEST(Prefetcher, YieldsTheSameSequenceAsTheTokenBatcher) {
  const auto files = write_corpus("prefetch", synthetic_pairs(1500, 30, 3));
  nmt::BatcherOptions options;
  options.batch_tokens = 300;
  options.shuffle_buffer = 400;  // streaming, so the worker really reads and tokenizes
  auto make = [&] {
    return std::make_unique<nmt::TokenBatcher>(files.first, files.second, shared_tokenizer(),
                                               shared_tokenizer(), options);
  };
  auto direct = make();
  for (int64_t capacity : {1, 8}) {
    Prefetcher prefetched(make(), capacity);
    for (int64_t epoch = 1; epoch <= 3; ++epoch) {
      direct->seek({epoch, 0});
      prefetched.seek({epoch, 0});  // the trainer's pattern: next() until nullopt, then seek
      const auto a = drain(*direct), b = drain(prefetched);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i)
        EXPECT_TRUE(same_batch(a[i], b[i])) << "epoch " << epoch << " batch " << i;
      EXPECT_EQ(prefetched.position().batches_done, direct->position().batches_done);
      EXPECT_FALSE(prefetched.next()) << "nothing after the end until a seek";
    }
  }
}

TEST(Prefetcher, EpochChangeReusesTheWorkAlreadyDone) {
  auto source = std::make_unique<CountingSource>(5);
  auto* raw = source.get();
  Prefetcher p(std::move(source), 16);
  EXPECT_EQ(ids_of_epoch(p), (std::vector<int64_t>{1000, 1001, 1002, 1003, 1004}));
  // Let the worker get into epoch 2 first, so that a restart would have to produce 2000 again.
  for (int i = 0; i < 5000; ++i) {
    {
      std::lock_guard<std::mutex> lock(raw->mutex);
      if (raw->produced.count(2000)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  p.seek({2, 0});
  EXPECT_EQ(ids_of_epoch(p), (std::vector<int64_t>{2000, 2001, 2002, 2003, 2004}));
  // Epoch 2 was produced while epoch 1 was consumed, and the seek kept it: a restart would
  // have produced 2000 (and what followed) a second time. How far ahead the worker ran, and so
  // the number of calls, depends on timing: at most `capacity` items beyond what was consumed.
  std::lock_guard<std::mutex> lock(raw->mutex);
  ASSERT_TRUE(raw->produced.count(2000));
  for (const auto& [id, times] : raw->produced) EXPECT_EQ(times, 1) << "batch " << id;
  EXPECT_LE(raw->calls.load(), 2 * 6 + 16 + 1);
}

TEST(Prefetcher, SeekElsewhereRestartsThere) {
  Prefetcher p(std::make_unique<CountingSource>(10), 4);
  EXPECT_EQ(p.next()->ids[0], 1000);
  p.seek({4, 7});
  EXPECT_EQ(p.position().batches_done, 7);
  EXPECT_EQ(ids_of_epoch(p), (std::vector<int64_t>{4007, 4008, 4009}));
  p.seek({1, 0});
  EXPECT_EQ(p.next()->ids[0], 1000);
  EXPECT_EQ(p.position().batches_done, 1);
}

TEST(Prefetcher, WorkerErrorsAreRethrownInTheConsumer) {
  Prefetcher p(std::make_unique<CountingSource>(10, 1003), 8);
  for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(p.next()->ids[0], 1000 + i);
  for (int repeat = 0; repeat < 2; ++repeat) {
    try {
      p.next();
      FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "disk on fire at batch 3");
    }
  }
  p.seek({2, 0});  // a seek restarts the worker
  EXPECT_EQ(p.next()->ids[0], 2000);
}

// Seconds `f` takes.
template <typename F>
double seconds_to(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(Prefetcher, DestructionWhileTheWorkerWaitsIsClean) {
  for (int i = 0; i < 20; ++i) {
    auto owned = std::make_unique<CountingSource>(1000);
    const CountingSource& source = *owned;
    auto p = std::make_unique<Prefetcher>(std::move(owned), 1);
    ASSERT_TRUE(p->next());
    // The worker refills the one-batch queue (a second source call), then blocks on it: it
    // makes no third call however long it is left.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (source.calls < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(source.calls, 2) << "the worker should wait on the full queue";
    EXPECT_LT(seconds_to([&] { p.reset(); }), 5.0)
        << "the destructor must wake and join the waiting worker";
  }
  auto never_started = std::make_unique<Prefetcher>(std::make_unique<CountingSource>(3), 2);
  EXPECT_LT(seconds_to([&] { never_started.reset(); }), 5.0);
}

}  // namespace

#include "nmt/corpus/data_sources.h"
#include "nmt/util/error.h"

namespace {

// (The validation set is not a BatchSource: read_validation_set and the Validator, tested in
// tests/training/validator_test.cpp, read and batch it.)
TEST(DataSources, TrainingBatchesFromTheDataSection) {
  const auto train = write_corpus("ds_train", synthetic_pairs(600, 20, 41));
  nmt::DataConfig data;
  data.train_src = train.first;
  data.train_tgt = train.second;
  data.batch_tokens = 500;
  data.prefetch = 3;
  nmt::Vocabularies vocab;
  vocab.src = vocab.tgt = shared_tokenizer();
  auto batches = nmt::make_training_batches(data, vocab, 7);
  const auto epoch = drain(*batches);
  EXPECT_EQ(id_counts(epoch).size(), 600u);
  auto& batcher = dynamic_cast<nmt::TokenBatcher&>(batches->source());
  EXPECT_EQ(batcher.stats().pairs_kept, 600);
  EXPECT_EQ(batcher.options().batch_tokens, 500);
  data.train_src.clear();
  EXPECT_THROW(nmt::make_training_batches(data, vocab, 7), nmt::ConfigError);
}

}  // namespace
