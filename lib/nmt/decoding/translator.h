// Translates many tokenized sentences: sorts them by length into token-budget batches, runs the
// search on each batch and hands results back in input order, exactly one per input. An empty
// input gives an empty hypothesis without running the model; a source longer than the model's
// positional table is truncated with a warning naming its line. A sentence's translation does
// not depend on the batch it lands in (padding is masked; tested). LineTranslator adds text.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nmt/decoding/hypothesis.h"
#include "nmt/decoding/sampling.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

struct TranslatorOptions {
  SearchOptions search;  // beam, nbest, length penalty and limits, attention
  // Budget per batch (>= 1): padded source tokens (EOS counted) times the hypotheses each
  // sentence keeps (beam, or nbest samples; 1 for greedy), so a batch holds about the same number
  // of decoder rows, and memory, whatever the search: beam 5 decodes 1/5 of greedy's sentences.
  // With parallel batches (inter_threads) it bounds all the batches in flight together.
  int64_t batch_tokens = 6000;
  // Batches decoded at once on the CPU, each by its own thread on threads / inter_threads
  // OpenMP threads (0 = auto: 2 when LibTorch has 2 or more threads). Small decoding ops keep
  // two threads of one batch waiting on each other; two batches side by side keep both cores
  // busy. Outputs do not change (each sentence's result is independent of its batch). Sampling
  // and CUDA decode one batch at a time.
  int64_t inter_threads = 0;
  bool sample = false;       // draw samples instead of searching
  SamplingOptions sampling;  // temperature, top-k, top-p, seed (when sample)

  // Hypotheses (decoder rows) each sentence occupies during the search.
  int64_t rows_per_sentence() const;

  // From the `decode` section (seed is given separately: it is a run option, not a model's).
  static TranslatorOptions from_config(const DecodeConfig& decode, uint64_t seed = 0);
};

// Totals over everything a Translator decoded, for the throughput summary.
struct TranslationStats {
  int64_t sentences = 0;      // inputs, empty ones included
  int64_t source_tokens = 0;  // source pieces read (after truncation, without EOS)
  int64_t target_tokens = 0;  // tokens of the best hypotheses (without EOS)
  int64_t batches = 0;        // model batches run
  double seconds = 0.0;       // wall-clock time inside translate calls
};

// Called after each model batch with the input indices it completed (any order) and the results
// vector being filled (results[i] is final for every i in `done`), so a caller can write output
// as soon as it is ready.
using BatchCallback =
    std::function<void(const std::vector<size_t>& done, const std::vector<NBestList>& results)>;

class Translator {
 public:
  // The model is put in eval mode and must already sit on `device` in its decoding precision.
  // Throws ConfigError when an option is out of range.
  Translator(Seq2Seq model, TranslatorOptions options, torch::Device device);

  // Token ids (no EOS) -> n-best lists in input order. `origin` (a file name, "stdin") and
  // `first_line` (the line number of sources[0]) name an input in warnings.
  std::vector<NBestList> translate(const std::vector<std::vector<int64_t>>& sources,
                                   const std::string& origin = "input", int64_t first_line = 1,
                                   const BatchCallback& on_batch = {});

  const TranslationStats& stats() const { return stats_; }
  const TranslatorOptions& options() const { return options_; }
  Seq2SeqImpl& model() { return *model_; }
  torch::Device device() const { return device_; }

 private:
  Seq2Seq model_;
  TranslatorOptions options_;
  torch::Device device_;
  std::unique_ptr<TokenSampler> sampler_;  // when options_.sample
  TranslationStats stats_;
};

}  // namespace nmt
