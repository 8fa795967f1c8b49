#include "nmt/metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "nmt/metrics/python_str.h"
#include "nmt/metrics/references.h"
#include "nmt/metrics/signature.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"

namespace nmt::metrics {
namespace {

// n-gram -> count, one map per order (index n-1). Tokens never contain a space (they come
// from str.split()), so joining them with ' ' is an unambiguous key.
using NgramCounts = std::vector<std::unordered_map<std::string, std::int64_t>>;

// sacreBLEU's BLEU._preprocess_segment: optional str.lower(), then tokenizer(sent.rstrip()).
std::vector<std::string> preprocess(const std::string& line, const BleuOptions& options,
                                    const std::string& context) {
  std::u32string text = utf8_to_u32(line, context);
  if (options.lowercase) text = py_lower(text);
  const std::u32string tokenized = tokenize(options.tokenize, py_rstrip(text));
  std::vector<std::string> tokens;
  for (auto word : py_split(tokenized)) tokens.push_back(u32_to_utf8(word));
  return tokens;
}

// sacreBLEU's extract_all_word_ngrams(line, 1, max_order).
NgramCounts count_ngrams(const std::vector<std::string>& tokens, int max_order) {
  NgramCounts counts(static_cast<std::size_t>(max_order));
  for (std::size_t n = 1; n <= static_cast<std::size_t>(max_order); ++n) {
    for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string key = tokens[i];
      for (std::size_t k = i + 1; k < i + n; ++k) key += ' ' + tokens[k];
      ++counts[n - 1][key];
    }
  }
  return counts;
}

// sacreBLEU's BLEU._get_closest_ref_len: the closest length, the shorter one on a tie.
std::int64_t closest_ref_len(std::int64_t hyp_len, const std::vector<std::int64_t>& ref_lens) {
  std::int64_t best_diff = -1, best_len = -1;
  for (std::int64_t len : ref_lens) {
    const std::int64_t diff = std::llabs(hyp_len - len);
    if (best_diff == -1 || diff < best_diff) {
      best_diff = diff;
      best_len = len;
    } else if (diff == best_diff && len < best_len) {
      best_len = len;
    }
  }
  return best_len;
}

void check_options(const BleuOptions& options) {
  if (options.max_ngram_order < 1 || options.max_ngram_order > 9) {
    throw ConfigError("BLEU max_ngram_order must be in 1..9, got " +
                      std::to_string(options.max_ngram_order));
  }
}

// Python's f"{value:.2f}", for the smoothing value in the signature.
std::string two_decimals(double value) { return format_fixed(value, 2); }

}  // namespace

std::string smoothing_name(Smoothing smoothing) {
  switch (smoothing) {
    case Smoothing::none:
      return "none";
    case Smoothing::floor:
      return "floor";
    case Smoothing::add_k:
      return "add-k";
    case Smoothing::exp:
      return "exp";
  }
  return "exp";
}

Smoothing parse_smoothing(const std::string& name) {
  if (name == "none") return Smoothing::none;
  if (name == "floor") return Smoothing::floor;
  if (name == "add-k") return Smoothing::add_k;
  if (name == "exp") return Smoothing::exp;
  throw ConfigError("unknown BLEU smoothing '" + name + "' (choose none, floor, add-k or exp)");
}

double default_smooth_value(Smoothing smoothing) {
  if (smoothing == Smoothing::floor) return 0.1;
  if (smoothing == Smoothing::add_k) return 1.0;
  return 0.0;
}

void BleuStats::add(const BleuStats& other) {
  sys_len += other.sys_len;
  ref_len += other.ref_len;
  if (correct.size() < other.correct.size()) correct.resize(other.correct.size(), 0);
  if (total.size() < other.total.size()) total.resize(other.total.size(), 0);
  for (std::size_t n = 0; n < other.correct.size(); ++n) correct[n] += other.correct[n];
  for (std::size_t n = 0; n < other.total.size(); ++n) total[n] += other.total[n];
}

std::string bleu_signature(const BleuOptions& options, const std::string& nrefs) {
  std::string smooth = smoothing_name(options.smooth);
  if (options.smooth == Smoothing::floor || options.smooth == Smoothing::add_k) {
    smooth += "[" +
              two_decimals(options.smooth_value.value_or(default_smooth_value(options.smooth))) +
              "]";
  }
  return Signature(nrefs)
      .add("case", options.lowercase ? "lc" : "mixed")
      .add("eff", yes_no(options.effective_order))
      .add("tok", tokenizer_name(options.tokenize))
      .add("smooth", smooth)
      .format();
}

BleuStats bleu_segment_stats(const std::string& hyp, const std::vector<const std::string*>& refs,
                             const BleuOptions& options) {
  check_options(options);
  const auto order = static_cast<std::size_t>(options.max_ngram_order);
  // The references' n-gram counts merged by maximum (sacreBLEU's _extract_reference_info).
  NgramCounts ref_counts(order);
  std::vector<std::int64_t> ref_lens;
  for (const std::string* ref : refs) {
    const auto tokens = preprocess(*ref, options, "reference");
    ref_lens.push_back(static_cast<std::int64_t>(tokens.size()));
    auto counts = count_ngrams(tokens, options.max_ngram_order);
    for (std::size_t n = 0; n < order; ++n) {
      for (const auto& [ngram, count] : counts[n]) {
        auto& best = ref_counts[n][ngram];
        best = std::max(best, count);
      }
    }
  }
  const auto hyp_tokens = preprocess(hyp, options, "hypothesis");
  const auto hyp_counts = count_ngrams(hyp_tokens, options.max_ngram_order);
  BleuStats stats;
  stats.sys_len = static_cast<std::int64_t>(hyp_tokens.size());
  stats.ref_len = closest_ref_len(stats.sys_len, ref_lens);
  stats.correct.assign(order, 0);
  stats.total.assign(order, 0);
  for (std::size_t n = 0; n < order; ++n) {
    for (const auto& [ngram, count] : hyp_counts[n]) {
      stats.total[n] += count;
      auto it = ref_counts[n].find(ngram);
      if (it != ref_counts[n].end()) stats.correct[n] += std::min(count, it->second);
    }
  }
  return stats;
}

BleuResult compute_bleu(const BleuStats& stats, const BleuOptions& options,
                        const std::string& nrefs) {
  check_options(options);
  const auto order = static_cast<std::size_t>(options.max_ngram_order);
  const double smooth_value = options.smooth_value.value_or(default_smooth_value(options.smooth));

  BleuResult r;
  r.name = "BLEU";
  r.signature = bleu_signature(options, nrefs);
  r.sys_len = stats.sys_len;
  r.ref_len = stats.ref_len;
  r.counts = stats.correct;
  r.totals = stats.total;
  r.counts.resize(order, 0);
  r.totals.resize(order, 0);
  r.ratio = r.ref_len ? static_cast<double>(r.sys_len) / static_cast<double>(r.ref_len) : 0.0;
  if (r.sys_len < r.ref_len) {
    r.bp = r.sys_len > 0
               ? std::exp(1.0 - static_cast<double>(r.ref_len) / static_cast<double>(r.sys_len))
               : 0.0;
  } else {
    r.bp = 1.0;
  }
  r.precisions.assign(order, 0.0);

  const bool any_match =
      std::any_of(r.counts.begin(), r.counts.end(), [](std::int64_t c) { return c != 0; });
  if (any_match) {
    // The arithmetic follows sacreBLEU's compute_bleu operation for operation, so that the
    // doubles (not just the rounded output) are the same.
    std::vector<double> correct(r.counts.begin(), r.counts.end());
    std::vector<double> total(r.totals.begin(), r.totals.end());
    double smooth_mteval = 1.0;
    std::size_t eff_order = order;
    for (std::size_t n = 1; n <= order; ++n) {
      if (options.smooth == Smoothing::add_k && n > 1) {
        correct[n - 1] += smooth_value;
        total[n - 1] += smooth_value;
      }
      if (total[n - 1] == 0) break;
      if (options.effective_order) eff_order = n;
      if (correct[n - 1] == 0) {
        if (options.smooth == Smoothing::exp) {
          smooth_mteval *= 2;
          r.precisions[n - 1] = 100.0 / (smooth_mteval * total[n - 1]);
        } else if (options.smooth == Smoothing::floor) {
          r.precisions[n - 1] = 100.0 * smooth_value / total[n - 1];
        }
      } else {
        r.precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
      }
    }
    double log_sum = 0.0;  // sacreBLEU's my_log: log(0) is floored to -9999999999
    for (std::size_t n = 0; n < eff_order; ++n) {
      log_sum += r.precisions[n] == 0.0 ? -9999999999.0 : std::log(r.precisions[n]);
    }
    r.score = r.bp * std::exp(log_sum / static_cast<double>(eff_order));
  }

  std::string precisions;
  for (std::size_t n = 0; n < order; ++n)
    precisions += (n ? "/" : "") + format_fixed(r.precisions[n], 1);
  r.verbose = precisions + " (BP = " + format_fixed(r.bp, 3) +
              " ratio = " + format_fixed(r.ratio, 3) + " hyp_len = " + std::to_string(r.sys_len) +
              " ref_len = " + std::to_string(r.ref_len) + ")";
  return r;
}

BleuResult corpus_bleu(const std::vector<std::string>& hyps,
                       const std::vector<std::vector<std::string>>& refs,
                       const BleuOptions& options) {
  check_options(options);
  const SegmentReferences segments = gather_references(hyps.size(), refs);
  BleuStats total;
  total.correct.assign(static_cast<std::size_t>(options.max_ngram_order), 0);
  total.total.assign(static_cast<std::size_t>(options.max_ngram_order), 0);
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    try {
      total.add(bleu_segment_stats(hyps[i], segments.segments[i], options));
    } catch (const DataError& e) {
      throw DataError("segment " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return compute_bleu(total, options, segments.nrefs);
}

BleuOptions sentence_bleu_options() {
  BleuOptions options;
  options.effective_order = true;
  return options;
}

BleuResult sentence_bleu(const std::string& hyp, const std::vector<std::string>& refs,
                         const BleuOptions& options) {
  std::vector<std::vector<std::string>> streams;
  for (const auto& ref : refs) streams.push_back({ref});
  return corpus_bleu({hyp}, streams, options);
}

}  // namespace nmt::metrics
