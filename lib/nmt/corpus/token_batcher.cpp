#include "nmt/corpus/token_batcher.h"

#include <algorithm>
#include <cstdio>

#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt {
namespace {

enum class Verdict { keep, empty, too_long, bad_ratio };

// Sampling chunks: each chunk of a window is sampled with its own seed, bounding the memory of
// the intermediate id vectors.
constexpr int64_t kSampleChunk = 8192;

std::string percent(double x) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f%%", 100.0 * x);
  return s;
}

Verdict judge(const BatcherOptions& o, size_t src_len, size_t tgt_len) {
  if (o.skip_empty && (src_len == 0 || tgt_len == 0)) return Verdict::empty;
  if (o.max_length > 0 && (static_cast<int64_t>(src_len) > o.max_length ||
                           static_cast<int64_t>(tgt_len) > o.max_length))
    return Verdict::too_long;
  if (o.max_length_ratio > 0) {
    const double longer = static_cast<double>(std::max(src_len, tgt_len));
    const double shorter = static_cast<double>(std::max<size_t>(1, std::min(src_len, tgt_len)));
    if (longer > o.max_length_ratio * shorter) return Verdict::bad_ratio;
  }
  return Verdict::keep;
}

}  // namespace

BatcherOptions training_batcher_options(const DataConfig& data, uint64_t seed, int64_t rank,
                                        int64_t world_size) {
  BatcherOptions o;
  o.batch_tokens = data.batch_tokens;
  o.max_length = data.max_length;
  o.max_length_ratio = data.max_length_ratio;
  o.skip_invalid_utf8 = data.invalid_utf8 == "skip";
  o.shuffle_buffer = data.shuffle_buffer;
  o.sampling_alpha = data.sampling_alpha;
  o.seed = seed;
  o.rank = rank;
  o.world_size = world_size;
  o.name = "train";
  return o;
}

TokenBatcher::TokenBatcher(const std::string& src_path, const std::string& tgt_path,
                           std::shared_ptr<const Tokenizer> src_tokenizer,
                           std::shared_ptr<const Tokenizer> tgt_tokenizer, BatcherOptions options)
    : options_(std::move(options)),
      src_tok_(std::move(src_tokenizer)),
      tgt_tok_(std::move(tgt_tokenizer)),
      window_(std::max(src_tok_->vocab_size(), tgt_tok_->vocab_size()),
              options_.sampling_alpha > 0),
      sampled_(std::max(src_tok_->vocab_size(), tgt_tok_->vocab_size())) {
  const auto& o = options_;
  if (o.batch_tokens < 1) throw ConfigError("data.batch_tokens must be positive");
  if (o.max_length > 0 && o.max_length + 1 > o.batch_tokens)
    throw ConfigError("data.batch_tokens (" + std::to_string(o.batch_tokens) +
                      ") cannot hold one pair of " + "data.max_length (" +
                      std::to_string(o.max_length) + ") pieces plus EOS; raise " +
                      "data.batch_tokens to at least " + std::to_string(o.max_length + 1) +
                      " or lower data.max_length");
  if (o.shuffle_buffer < 1) throw ConfigError("data.shuffle_buffer must be positive");
  if (o.world_size < 1 || o.rank < 0 || o.rank >= o.world_size)
    throw ConfigError("data shard rank " + std::to_string(o.rank) + " is outside [0, " +
                      std::to_string(o.world_size) + ")");

  corpus_ = std::make_unique<ParallelCorpus>(
      src_path, tgt_path, ParallelCorpusOptions{o.skip_empty, o.skip_invalid_utf8});
  read_window();
  in_memory_ = pass_done_;
  if (window_.size() == 0)
    throw DataError(o.name + " corpus " + corpus_->name() +
                    " has no usable pairs: " + stats().summary());
  if (in_memory_) {
    log::info(o.name, ": ", corpus_->name(), " held in memory (", window_.size(), " pairs, ",
              window_.memory_bytes() >> 20, " MiB)");
  } else {
    log::info(o.name, ": ", corpus_->name(),
              " has more than data.shuffle_buffer = ", o.shuffle_buffer,
              " pairs; streaming it in windows of that many pairs");
  }
}

void TokenBatcher::rewind() {
  corpus_->rewind();
  pending_.reset();
  pass_done_ = false;
  pass_stats_ = CorpusStats();
  window_index_ = -1;
  window_.clear();
}

void TokenBatcher::add_pair(const RawPair& pair) {
  const auto src = src_tok_->encode(pair.src);
  const auto tgt = tgt_tok_->encode(pair.tgt);
  switch (judge(options_, src.size(), tgt.size())) {
    case Verdict::empty:
      ++pass_stats_.empty;
      return;
    case Verdict::too_long:
      ++pass_stats_.too_long;
      return;
    case Verdict::bad_ratio:
      ++pass_stats_.bad_ratio;
      return;
    case Verdict::keep:
      break;
  }
  window_.add(pair.index, src, tgt, pair.src, pair.tgt);
  ++pass_stats_.pairs_kept;
  pass_stats_.src_tokens += static_cast<int64_t>(src.size());
  pass_stats_.tgt_tokens += static_cast<int64_t>(tgt.size());
}

bool TokenBatcher::read_window() {
  if (pass_done_) return false;
  window_.clear();
  RawPair pair;
  while (window_.size() < options_.shuffle_buffer) {
    if (pending_) {
      add_pair(*pending_);
      pending_.reset();
    } else if (corpus_->next(pair)) {
      add_pair(pair);
    } else {
      pass_done_ = true;
      break;
    }
  }
  // Look one pair ahead: a window that ends exactly with the corpus is the last one.
  if (!pass_done_) {
    if (corpus_->next(pair))
      pending_ = std::move(pair);
    else
      pass_done_ = true;
  }
  ++window_index_;
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    if (!stats_complete_) {
      stats_ = corpus_->stats();
      stats_ += pass_stats_;
      stats_complete_ = pass_done_;
      if (pass_done_) log::info(options_.name, " corpus ", corpus_->name(), ": ", stats_.summary());
    }
  }
  return window_.size() > 0;
}

bool TokenBatcher::next_window() {
  const int64_t want = epoch_window_ + 1;
  if (in_memory_) {
    if (want > 0) return false;
  } else {
    // An epoch starts from window 0: reuse it when it is the one loaded, else read from the top.
    if (want == 0 && window_index_ != 0) rewind();
    while (window_index_ < want)
      if (!read_window()) return false;
  }
  epoch_window_ = want;
  if (options_.sampling_alpha > 0) resample();
  plan_window();
  return true;
}

void TokenBatcher::resample() {
  sampled_.clear();
  const int64_t n = window_.size();
  for (int64_t begin = 0; begin < n; begin += kSampleChunk) {
    const int64_t end = std::min(n, begin + kSampleChunk);
    std::vector<std::string_view> src_text, tgt_text;
    for (int64_t r = begin; r < end; ++r) {
      src_text.push_back(window_.src_text(r));
      tgt_text.push_back(window_.tgt_text(r));
    }
    const auto chunk = static_cast<uint64_t>(begin / kSampleChunk);
    const auto seed = mix_seed(options_.seed, static_cast<uint64_t>(position_.epoch),
                               static_cast<uint64_t>(epoch_window_), chunk);
    const auto src =
        src_tok_->sample_encode_all(src_text, options_.sampling_alpha, mix_seed(seed, 1));
    const auto tgt =
        tgt_tok_->sample_encode_all(tgt_text, options_.sampling_alpha, mix_seed(seed, 2));
    for (int64_t r = begin; r < end; ++r) {
      const auto& s = src[r - begin];
      const auto& t = tgt[r - begin];
      // A sample the filters would drop falls back to the best segmentation: the set of pairs
      // must not change between epochs, and the budget must still hold.
      if (judge(options_, s.size(), t.size()) == Verdict::keep)
        sampled_.add(window_.index(r), s, t);
      else
        sampled_.add(window_.index(r), window_.src_ids(r), window_.tgt_ids(r));
    }
  }
}

void TokenBatcher::plan_window() {
  const PairStore& store = batch_store();
  std::vector<PairWidth> widths(static_cast<size_t>(store.size()));
  for (int64_t r = 0; r < store.size(); ++r)
    widths[r] = {store.src_length(r) + 1, store.tgt_length(r) + 1};
  PlanOptions plan_options;
  plan_options.batch_tokens = options_.batch_tokens;
  plan_options.shuffle = options_.shuffle;
  plan_options.multiple_of = options_.world_size;
  auto all = plan_batches(widths, plan_options,
                          mix_seed(options_.seed, static_cast<uint64_t>(position_.epoch),
                                   static_cast<uint64_t>(epoch_window_)));
  plan_.clear();
  for (size_t i = static_cast<size_t>(options_.rank); i < all.size();
       i += static_cast<size_t>(options_.world_size))
    plan_.push_back(std::move(all[i]));
  plan_pos_ = 0;
}

void TokenBatcher::seek(const DataPosition& position) {
  if (position.epoch < 1 || position.batches_done < 0)
    throw DataError("cannot resume " + options_.name + " data at epoch " +
                    std::to_string(position.epoch) + ", batch " +
                    std::to_string(position.batches_done) + ": not a valid data position");
  position_ = {position.epoch, 0};
  epoch_window_ = -1;
  plan_.clear();
  plan_pos_ = 0;
  epoch_end_logged_ = false;
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    padding_ = PaddingStats();
  }
  // Skipping costs planning (and, when streaming, re-reading) the windows before the position.
  while (position_.batches_done < position.batches_done) {
    if (plan_pos_ == plan_.size()) {
      if (!next_window())
        throw DataError(
            "cannot resume " + options_.name + " data at batch " +
            std::to_string(position.batches_done) + " of epoch " + std::to_string(position.epoch) +
            ": the epoch has only " + std::to_string(position_.batches_done) +
            " batches (did the data or the data.* " + "options change since the checkpoint?)");
      continue;
    }
    const auto skip = std::min<int64_t>(position.batches_done - position_.batches_done,
                                        static_cast<int64_t>(plan_.size() - plan_pos_));
    plan_pos_ += static_cast<size_t>(skip);
    position_.batches_done += skip;
  }
}

std::optional<Batch> TokenBatcher::next() {
  while (plan_pos_ == plan_.size()) {
    if (!next_window()) {
      if (!epoch_end_logged_ && options_.shuffle) {
        const PaddingStats p = padding();
        log::info(options_.name, " epoch ", position_.epoch, ": ", position_.batches_done,
                  " batches, padding efficiency ", percent(p.efficiency()));
      }
      epoch_end_logged_ = true;
      return std::nullopt;
    }
  }
  Batch batch = batch_store().make_batch(plan_[plan_pos_++]);
  ++position_.batches_done;
  std::lock_guard<std::mutex> lock(stats_mutex_);
  padding_.add(batch.size(), batch.src.size(1), batch.tgt_out.size(1), batch.src_tokens,
               batch.tgt_tokens);
  return batch;
}

CorpusStats TokenBatcher::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

bool TokenBatcher::stats_complete() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_complete_;
}

PaddingStats TokenBatcher::padding() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return padding_;
}

}  // namespace nmt
