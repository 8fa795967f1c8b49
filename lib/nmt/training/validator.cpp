#include "nmt/training/validator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "nmt/corpus/line_reader.h"
#include "nmt/corpus/pair_store.h"
#include "nmt/decoding/translator.h"
#include "nmt/metrics/bleu.h"
#include "nmt/metrics/chrf.h"
#include "nmt/training/label_smoothed_loss.h"
#include "nmt/util/autocast.h"
#include "nmt/util/error.h"
#include "nmt/util/line_counts.h"
#include "nmt/util/utf8.h"

namespace nmt {
namespace {

std::vector<std::string> read_checked_lines(const std::string& path) {
  std::vector<std::string> lines = read_lines(path);
  check_utf8_lines(lines, path);
  return lines;
}

}  // namespace

double validation_score(const ValidationResult& result, const std::string& metric) {
  if (metric == "bleu") return result.bleu;
  if (metric == "chrf") return result.chrf;
  if (metric == "loss") return result.loss;
  throw ConfigError("config key 'train.early_stopping': '" + metric +
                    "' is not one of: bleu, chrf, loss");
}

bool score_improves(double candidate, double best, const std::string& metric) {
  if (std::isnan(candidate)) return false;
  if (std::isnan(best)) return true;
  return metric == "loss" ? candidate < best : candidate > best;
}

ValidationSet read_validation_set(const std::string& src_path, const std::string& tgt_path,
                                  const Tokenizer& src_tokenizer, const Tokenizer& tgt_tokenizer) {
  ValidationSet set;
  set.name = src_path + " + " + tgt_path;
  set.sources = read_checked_lines(src_path);
  set.references = read_checked_lines(tgt_path);
  check_line_counts({src_path, static_cast<int64_t>(set.sources.size())},
                    {tgt_path, static_cast<int64_t>(set.references.size())});
  if (set.sources.empty()) throw DataError("validation file " + src_path + " is empty");
  set.src_ids.reserve(set.sources.size());
  set.tgt_ids.reserve(set.sources.size());
  for (size_t i = 0; i < set.sources.size(); ++i) {
    set.src_ids.push_back(src_tokenizer.encode(set.sources[i]));
    set.tgt_ids.push_back(tgt_tokenizer.encode(set.references[i]));
  }
  return set;
}

Validator::Validator(ValidationSet set, const Tokenizer& tgt_tokenizer, ValidatorOptions options,
                     int64_t max_positions)
    : set_(std::move(set)), tgt_tokenizer_(tgt_tokenizer), options_(std::move(options)) {
  // Pairs sorted by length so batches carry little padding; the order is fixed, so every
  // validation sees the same batches.
  PairStore store(tgt_tokenizer.vocab_size());
  for (size_t i = 0; i < set_.src_ids.size(); ++i) {
    const auto src_len = static_cast<int64_t>(set_.src_ids[i].size()) + 1;  // + EOS
    const auto tgt_len = static_cast<int64_t>(set_.tgt_ids[i].size()) + 1;  // + BOS / EOS
    if (src_len > max_positions || tgt_len > max_positions) {
      ++skipped_;
      continue;
    }
    store.add(static_cast<int64_t>(i), set_.src_ids[i], set_.tgt_ids[i]);
  }
  std::vector<int64_t> rows(static_cast<size_t>(store.size()));
  std::iota(rows.begin(), rows.end(), 0);
  std::stable_sort(rows.begin(), rows.end(), [&](int64_t a, int64_t b) {
    return std::make_pair(store.src_length(a), store.tgt_length(a)) <
           std::make_pair(store.src_length(b), store.tgt_length(b));
  });
  std::vector<int64_t> current;
  int64_t longest = 0;
  for (int64_t row : rows) {
    const int64_t len = std::max(store.src_length(row), store.tgt_length(row)) + 1;
    if (!current.empty() &&
        std::max(longest, len) * static_cast<int64_t>(current.size() + 1) > options_.batch_tokens) {
      batches_.push_back(store.make_batch(current));
      current.clear();
      longest = 0;
    }
    current.push_back(row);
    longest = std::max(longest, len);
  }
  if (!current.empty()) batches_.push_back(store.make_batch(current));
}

double Validator::teacher_forced_nll(Seq2SeqImpl& model, const torch::Device& device,
                                     torch::ScalarType precision, int64_t& tokens) {
  torch::NoGradGuard no_grad;
  double nll = 0.0;
  tokens = 0;
  for (const Batch& batch : batches_) {
    torch::Tensor logits;  // [B, T, V]
    {
      AutocastGuard autocast(device, precision);
      logits = model.forward(batch.src.to(device), batch.tgt_in.to(device));
    }
    const LossSums sums = label_smoothed_loss(logits, batch.tgt_out.to(device), /*epsilon=*/0.0);
    nll += sums.nll.item<double>();
    tokens += sums.tokens;
  }
  return nll;
}

std::vector<std::string> Validator::translate(const Seq2Seq& model, const torch::Device& device,
                                              torch::ScalarType precision) {
  TranslatorOptions options = TranslatorOptions::from_config(options_.decode);
  options.search.beam = options_.beam;
  options.search.nbest = 1;
  options.batch_tokens = options_.batch_tokens;
  options.sample = false;
  // One batch at a time: autocast is per thread, and the worker threads of inter_threads > 1
  // would decode outside this thread's AutocastGuard.
  options.inter_threads = 1;
  Translator translator(model, options, device);
  std::vector<std::vector<int64_t>> sources;
  sources.reserve(set_.src_ids.size());
  for (const auto& ids : set_.src_ids) sources.emplace_back(ids.begin(), ids.end());
  std::vector<NBestList> results;
  {
    torch::NoGradGuard no_grad;
    AutocastGuard autocast(device, precision);
    results = translator.translate(sources, set_.name);
  }
  std::vector<std::string> hypotheses;
  hypotheses.reserve(results.size());
  for (const NBestList& nbest : results)
    hypotheses.push_back(nbest.empty() ? std::string()
                                       : tgt_tokenizer_.decode(nbest.front().output_tokens()));
  return hypotheses;
}

ValidationResult Validator::run(const Seq2Seq& model, const torch::Device& device,
                                torch::ScalarType precision) {
  const auto start = std::chrono::steady_clock::now();
  model->eval();
  ValidationResult result;
  const double nll = teacher_forced_nll(*model, device, precision, result.tgt_tokens);
  result.loss = nll / static_cast<double>(std::max<int64_t>(result.tgt_tokens, 1));
  result.ppl = std::exp(result.loss);
  result.hypotheses = translate(model, device, precision);
  result.sentences = static_cast<int64_t>(result.hypotheses.size());
  const metrics::BleuResult bleu = metrics::corpus_bleu(result.hypotheses, {set_.references});
  const metrics::ChrfResult chrf = metrics::corpus_chrf(result.hypotheses, {set_.references});
  result.bleu = bleu.score;
  result.chrf = chrf.score;
  result.bleu_signature = bleu.signature;
  result.chrf_signature = chrf.signature;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace nmt
