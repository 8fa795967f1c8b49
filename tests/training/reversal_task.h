// A synthetic task for trainer tests: reverse a string of digits. Pieces are ids 4..13 (after
// the reserved pad/unk/bos/eos), sentences 3..max_len digits. ReversalBatches is a BatchSource
// with a fixed pair set whose per-epoch order is a shuffle seeded by (seed, epoch), as the real
// batcher's, so seek() reproduces any position exactly.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/corpus/batch.h"

namespace nmt::test {

constexpr int64_t kReversalVocab = 14;  // 4 special ids + 10 digits

class ReversalBatches : public BatchSource {
 public:
  ReversalBatches(int64_t pairs, int64_t batch_size, uint32_t seed = 11, int64_t max_len = 8)
      : batch_size_(batch_size), seed_(seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int64_t> digit(4, 13), length(3, max_len);
    for (int64_t i = 0; i < pairs; ++i) {
      std::vector<int64_t> s(static_cast<size_t>(length(rng)));
      for (auto& d : s) d = digit(rng);
      sources_.push_back(s);
    }
    seek({1, 0});
  }

  void seek(const DataPosition& position) override {
    position_ = position;
    order_.resize(sources_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int64_t>(i);
    std::mt19937 rng(seed_ * 1000003u + static_cast<uint32_t>(position.epoch));
    std::shuffle(order_.begin(), order_.end(), rng);
  }

  std::optional<Batch> next() override {
    const int64_t begin = position_.batches_done * batch_size_;
    if (begin >= static_cast<int64_t>(order_.size())) return std::nullopt;
    const int64_t end = std::min<int64_t>(begin + batch_size_, static_cast<int64_t>(order_.size()));
    position_.batches_done += 1;
    return make_batch(std::vector<int64_t>(order_.begin() + begin, order_.begin() + end));
  }

  DataPosition position() const override { return position_; }
  int64_t batches_per_epoch() const {
    return (static_cast<int64_t>(sources_.size()) + batch_size_ - 1) / batch_size_;
  }

 private:
  Batch make_batch(const std::vector<int64_t>& rows) const {
    int64_t longest = 0;
    for (int64_t r : rows)
      longest = std::max<int64_t>(longest, static_cast<int64_t>(sources_[r].size()));
    const auto b = static_cast<int64_t>(rows.size());
    Batch batch;
    batch.src = torch::full({b, longest + 1}, kPadId, torch::kInt64);      // [B, S]
    batch.tgt_in = torch::full({b, longest + 1}, kPadId, torch::kInt64);   // [B, T]
    batch.tgt_out = torch::full({b, longest + 1}, kPadId, torch::kInt64);  // [B, T]
    for (int64_t i = 0; i < b; ++i) {
      const auto& s = sources_[rows[i]];
      const auto n = static_cast<int64_t>(s.size());
      batch.tgt_in[i][0] = kBosId;
      for (int64_t k = 0; k < n; ++k) {
        batch.src[i][k] = s[k];
        batch.tgt_in[i][k + 1] = s[n - 1 - k];
        batch.tgt_out[i][k] = s[n - 1 - k];
      }
      batch.src[i][n] = kEosId;
      batch.tgt_out[i][n] = kEosId;
      batch.ids.push_back(rows[i]);
      batch.src_tokens += n + 1;
      batch.tgt_tokens += n + 1;
    }
    return batch;
  }

  std::vector<std::vector<int64_t>> sources_;
  std::vector<int64_t> order_;
  int64_t batch_size_;
  uint32_t seed_;
  DataPosition position_;
};

// The tiny preset with settings for fast tests (no validation, checkpoints only when asked).
inline Config tiny_config() {
  Config config = load_config(ConfigSources{"tiny", {}, {}});
  config.train.max_steps = 20;
  config.train.warmup_steps = 10;
  config.train.log_every = 5;
  config.train.valid_every = 0;
  config.train.save_every = 0;
  config.train.precision = "fp32";
  config.train.device = "cpu";
  return config;
}

}  // namespace nmt::test
