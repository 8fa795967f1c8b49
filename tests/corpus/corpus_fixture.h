// Shared fixtures for the corpus tests: one small SentencePiece model (trained once per test
// binary on the synthetic corpus), corpus files, and batch comparison helpers.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nmt/corpus/batch.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/text/tokenizer.h"
#include "nmt/text/vocab_trainer.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt::test {

inline const TempDir& fixture_dir() {
  static TempDir dir;
  return dir;
}

// A 120-piece unigram model over both sides of 1000 synthetic pairs.
inline std::shared_ptr<const Tokenizer> shared_tokenizer() {
  static std::shared_ptr<const Tokenizer> tokenizer = [] {
    struct Source : SentenceSource {
      std::vector<std::string> lines;
      size_t i = 0;
      bool next(std::string& s) override {
        if (i == lines.size()) return false;
        s = lines[i++];
        return true;
      }
    } source;
    for (const auto& [src, tgt] : synthetic_pairs(1000, 20, 99)) {
      source.lines.push_back(src);
      source.lines.push_back(tgt);
    }
    VocabOptions options;
    options.prefix = fixture_dir() / "spm";
    options.vocab_size = 120;
    options.threads = 1;
    train_vocab(options, source);
    return std::make_shared<const Tokenizer>(fixture_dir() / "spm.model");
  }();
  return tokenizer;
}

// Writes `pairs` as NAME.en / NAME.de in the fixture directory; returns the two paths.
inline std::pair<std::string, std::string> write_corpus(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string src, tgt;
  for (const auto& [s, t] : pairs) {
    src += s + "\n";
    tgt += t + "\n";
  }
  const std::string src_path = fixture_dir() / (name + ".en"),
                    tgt_path = fixture_dir() / (name + ".de");
  write_file(src_path, src);
  write_file(tgt_path, tgt);
  return {src_path, tgt_path};
}

inline bool same_batch(const Batch& a, const Batch& b) {
  return a.ids == b.ids && a.src.equal(b.src) && a.tgt_in.equal(b.tgt_in) &&
         a.tgt_out.equal(b.tgt_out) && a.src_tokens == b.src_tokens && a.tgt_tokens == b.tgt_tokens;
}

// Row `r` of an int64 [B, L] tensor.
inline std::vector<int64_t> row(const torch::Tensor& t, int64_t r) {
  const auto c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>() + r * c.size(1);
  return std::vector<int64_t>(p, p + c.size(1));
}

// All batches of the source's current epoch.
inline std::vector<Batch> drain(BatchSource& source) {
  std::vector<Batch> batches;
  while (auto b = source.next()) batches.push_back(std::move(*b));
  return batches;
}

// How often each pair index occurs in `batches`.
inline std::map<int64_t, int> id_counts(const std::vector<Batch>& batches) {
  std::map<int64_t, int> counts;
  for (const auto& b : batches)
    for (int64_t id : b.ids) ++counts[id];
  return counts;
}

// TokenBatcher's fixed-order mode: no shuffling, no length filters, empty lines kept (each line a
// row, ids = line numbers - 1), the default data.* budget unless given.
inline BatcherOptions fixed_order_options(int64_t batch_tokens = DataConfig().batch_tokens) {
  BatcherOptions o;
  o.batch_tokens = batch_tokens;
  o.max_length = 0;
  o.max_length_ratio = 0;
  o.skip_empty = false;
  o.shuffle = false;
  o.name = "valid";
  return o;
}

}  // namespace nmt::test
