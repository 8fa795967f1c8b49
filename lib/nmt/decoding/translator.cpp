#include "nmt/decoding/translator.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "nmt/decoding/decode_batches.h"
#include "nmt/decoding/search.h"
#include "nmt/util/error.h"
#include "nmt/util/error_location.h"
#include "nmt/util/log.h"

namespace nmt {

TranslatorOptions TranslatorOptions::from_config(const DecodeConfig& decode, uint64_t seed) {
  TranslatorOptions o;
  o.search = SearchOptions::from_config(decode);
  o.batch_tokens = decode.batch_tokens;
  o.inter_threads = decode.inter_threads;
  o.sample = decode.sample;
  o.sampling = SamplingOptions::from_config(decode, seed);
  if (o.sample) o.search.beam = std::max(o.search.beam, o.search.nbest);  // nbest = samples drawn
  return o;
}

int64_t TranslatorOptions::rows_per_sentence() const {
  return std::max<int64_t>(1, sample ? search.nbest : search.beam);
}

Translator::Translator(Seq2Seq model, TranslatorOptions options, torch::Device device)
    : model_(std::move(model)), options_(std::move(options)), device_(device) {
  options_.search.validate();
  if (options_.batch_tokens < 1) throw ConfigError("decode.batch_tokens must be >= 1");
  if (options_.sample) sampler_ = std::make_unique<TokenSampler>(options_.sampling);
  model_->eval();  // dropout off: decoding is deterministic and batch-independent
}

std::vector<NBestList> Translator::translate(const std::vector<std::vector<int64_t>>& sources,
                                             const std::string& origin, int64_t first_line,
                                             const BatchCallback& on_batch) {
  const auto start = std::chrono::steady_clock::now();
  // The encoder reads positions 0..max_positions-1; the EOS appended to the source takes one.
  const size_t max_tokens =
      static_cast<size_t>(std::max<int64_t>(model_->config().max_positions - 1, 1));
  std::deque<std::vector<int64_t>> truncated;  // only the sources that need it (stable addresses)
  std::vector<const std::vector<int64_t>*> input(sources.size());
  std::vector<int64_t> lengths;
  std::vector<size_t> nonempty;  // indices of sources the model runs on
  for (size_t i = 0; i < sources.size(); ++i) {
    input[i] = &sources[i];
    if (sources[i].size() > max_tokens) {
      log::warn(file_line(origin, first_line + static_cast<int64_t>(i)), ": ", sources[i].size(),
                " source tokens exceed the model's max_positions ", model_->config().max_positions,
                "; truncated to ", max_tokens);
      truncated.emplace_back(sources[i].begin(), sources[i].begin() + max_tokens);
      input[i] = &truncated.back();
    }
    if (!input[i]->empty()) {
      nonempty.push_back(i);
      lengths.push_back(static_cast<int64_t>(input[i]->size()) + 1);  // + EOS
    }
    stats_.source_tokens += static_cast<int64_t>(input[i]->size());
  }

  std::vector<NBestList> out(sources.size());
  std::vector<size_t> empty_done;
  for (size_t i = 0; i < sources.size(); ++i)
    if (input[i]->empty()) {
      out[i] = {Hypothesis{}};
      empty_done.push_back(i);
    }
  if (on_batch && !empty_done.empty()) on_batch(empty_done, out);

  const int64_t threads = at::get_num_threads();
  int64_t workers = options_.inter_threads > 0 ? options_.inter_threads : (threads >= 2 ? 2 : 1);
  if (sampler_ || !device_.is_cpu()) workers = 1;  // a sampler's draws must stay in order
  // batch_tokens bounds the batches in flight together: each of the parallel ones gets its share.
  const int64_t source_budget =
      std::max<int64_t>(1, options_.batch_tokens / options_.rows_per_sentence() / workers);
  const auto batches = make_decode_batches(lengths, source_budget);
  std::mutex mutex;  // guards out, stats_ and on_batch when batches run in parallel
  auto run_batch = [&](const std::vector<size_t>& batch) {
    std::vector<const std::vector<int64_t>*> rows;
    std::vector<size_t> done;
    for (size_t b : batch) {
      done.push_back(nonempty[b]);
      rows.push_back(input[nonempty[b]]);
    }
    const torch::Tensor src = make_source_batch(rows, device_);  // [B, S]
    std::vector<NBestList> result = run_search(*model_, src, options_.search, sampler_.get());
    std::lock_guard<std::mutex> lock(mutex);
    for (size_t r = 0; r < done.size(); ++r) {
      out[done[r]] = std::move(result[r]);
      stats_.target_tokens += static_cast<int64_t>(out[done[r]].front().output_tokens().size());
    }
    ++stats_.batches;
    if (on_batch) on_batch(done, out);
  };

  workers = std::min<int64_t>(workers, static_cast<int64_t>(batches.size()));
  if (workers <= 1) {
    for (const auto& batch : batches) run_batch(batch);
  } else {
    // Each worker takes the next batch; its OpenMP team is its share of the threads (set per
    // thread: omp_set_num_threads through at::set_num_threads, which also sets LibTorch's global
    // count, put back below).
    const int intra = static_cast<int>(std::max<int64_t>(1, threads / workers));
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::vector<std::thread> pool;
    for (int64_t w = 0; w < workers; ++w)
      pool.emplace_back([&] {
        at::set_num_threads(intra);
        torch::NoGradGuard no_grad;
        try {
          for (size_t i = next++; i < batches.size(); i = next++) run_batch(batches[i]);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!error) error = std::current_exception();
          next = batches.size();
        }
      });
    for (auto& t : pool) t.join();
    at::set_num_threads(static_cast<int>(threads));
    if (error) std::rethrow_exception(error);
  }
  stats_.sentences += static_cast<int64_t>(sources.size());
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace nmt
