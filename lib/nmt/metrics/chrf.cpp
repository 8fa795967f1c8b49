#include "nmt/metrics/chrf.h"

#include <stdexcept>
#include <unordered_map>

#include "nmt/metrics/python_str.h"
#include "nmt/metrics/references.h"
#include "nmt/metrics/signature.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"

namespace nmt::metrics {
namespace {

// n-gram -> count for one order. Character n-grams are substrings; word n-grams are the
// words joined by ' ' (words never contain whitespace, so the key is unambiguous).
using Counter = std::unordered_map<std::u32string, std::int64_t>;

// sacreBLEU's CHRF._PUNCTS: Python's string.punctuation.
bool is_ascii_punct(char32_t c) {
  return (c >= U'!' && c <= U'/') || (c >= U':' && c <= U'@') || (c >= U'[' && c <= U'`') ||
         (c >= U'{' && c <= U'~');
}

// sacreBLEU's CHRF._remove_punctuation: split one punctuation character off the end of a
// word, else off its start (only one; "(hi)" becomes "(hi" and ")").
std::vector<std::u32string> words_for_chrf(std::u32string_view sentence) {
  std::vector<std::u32string> words;
  for (auto w : py_split(sentence)) {
    if (w.size() == 1) {
      words.emplace_back(w);
    } else if (is_ascii_punct(w.back())) {
      words.emplace_back(w.substr(0, w.size() - 1));
      words.emplace_back(w.substr(w.size() - 1));
    } else if (is_ascii_punct(w.front())) {
      words.emplace_back(w.substr(0, 1));
      words.emplace_back(w.substr(1));
    } else {
      words.emplace_back(w);
    }
  }
  return words;
}

// All n-gram counters of one sentence: char orders 1..char_order, then word orders.
std::vector<Counter> extract_ngrams(const std::string& line, const ChrfOptions& options,
                                    const std::string& context) {
  std::u32string text = utf8_to_u32(line, context);
  if (options.lowercase) text = py_lower(text);
  std::vector<Counter> counters;
  const std::u32string chars = options.whitespace ? text : py_remove_spaces(text);
  for (std::size_t n = 1; n <= static_cast<std::size_t>(options.char_order); ++n) {
    Counter& c = counters.emplace_back();
    for (std::size_t i = 0; i + n <= chars.size(); ++i) ++c[chars.substr(i, n)];
  }
  if (options.word_order > 0) {
    const auto words = words_for_chrf(text);
    for (std::size_t n = 1; n <= static_cast<std::size_t>(options.word_order); ++n) {
      Counter& c = counters.emplace_back();
      for (std::size_t i = 0; i + n <= words.size(); ++i) {
        std::u32string key = words[i];
        for (std::size_t k = i + 1; k < i + n; ++k) key += U' ' + words[k];
        ++c[key];
      }
    }
  }
  return counters;
}

void check_options(const ChrfOptions& options) {
  if (options.char_order < 1 || options.word_order < 0 || options.beta < 0) {
    throw ConfigError(
        "chrF needs char_order >= 1, word_order >= 0 and beta >= 0 (--chrf-char-order, "
        "--chrf-word-order, --chrf-beta)");
  }
}

// The statistics of one segment against its best reference (sacreBLEU's
// CHRF._compute_segment_statistics).
std::vector<std::int64_t> segment_stats(const std::string& hyp,
                                        const std::vector<const std::string*>& refs,
                                        const ChrfOptions& options) {
  const auto hyp_ngrams = extract_ngrams(hyp, options, "hypothesis");
  std::vector<std::int64_t> best;
  double best_f = -1.0;
  for (const std::string* ref : refs) {
    const auto ref_ngrams = extract_ngrams(*ref, options, "reference");
    std::vector<std::int64_t> stats;
    for (std::size_t o = 0; o < hyp_ngrams.size(); ++o) {
      std::int64_t hyp_count = 0, ref_count = 0, matches = 0;
      for (const auto& [ngram, count] : hyp_ngrams[o]) {
        hyp_count += count;
        auto it = ref_ngrams[o].find(ngram);
        if (it != ref_ngrams[o].end()) matches += std::min(count, it->second);
      }
      for (const auto& entry : ref_ngrams[o]) ref_count += entry.second;
      // sacreBLEU: "Don't count hits if no reference exists for that n-gram".
      stats.push_back(ref_ngrams[o].empty() ? 0 : hyp_count);
      stats.push_back(ref_count);
      stats.push_back(matches);
    }
    const double f = chrf_from_stats(stats, options);
    if (f > best_f) {
      best_f = f;
      best = std::move(stats);
    }
  }
  return best;
}

}  // namespace

std::string chrf_name(const ChrfOptions& options) {
  return "chrF" + std::to_string(options.beta) +
         std::string(static_cast<std::size_t>(options.word_order), '+');
}

std::string chrf_signature(const ChrfOptions& options, const std::string& nrefs) {
  return Signature(nrefs)
      .add("case", options.lowercase ? "lc" : "mixed")
      .add("eff", yes_no(!options.eps_smoothing))
      .add("nc", std::to_string(options.char_order))
      .add("nw", std::to_string(options.word_order))
      .add("space", yes_no(options.whitespace))
      .format();
}

double chrf_from_stats(const std::vector<std::int64_t>& stats, const ChrfOptions& options) {
  // Operation for operation as sacreBLEU's _compute_f_score, so the doubles agree.
  const double eps = 1e-16;
  const auto factor = static_cast<double>(options.beta * options.beta);
  const std::size_t orders = stats.size() / 3;
  double score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (std::size_t i = 0; i < orders; ++i) {
    const auto n_hyp = static_cast<double>(stats[3 * i]);
    const auto n_ref = static_cast<double>(stats[3 * i + 1]);
    const auto n_match = static_cast<double>(stats[3 * i + 2]);
    const double prec = n_hyp > 0 ? n_match / n_hyp : eps;
    const double rec = n_ref > 0 ? n_match / n_ref : eps;
    const double denom = factor * prec + rec;
    score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective_order;
    }
  }
  if (options.eps_smoothing) return 100 * score / static_cast<double>(orders);
  if (effective_order == 0) {
    avg_prec = avg_rec = 0.0;
  } else {
    avg_prec /= effective_order;
    avg_rec /= effective_order;
  }
  if (avg_prec + avg_rec == 0.0) return 0.0;
  score = (1 + factor) * avg_prec * avg_rec;
  score /= (factor * avg_prec) + avg_rec;
  return 100 * score;
}

ChrfResult corpus_chrf(const std::vector<std::string>& hyps,
                       const std::vector<std::vector<std::string>>& refs,
                       const ChrfOptions& options) {
  check_options(options);
  const SegmentReferences segments = gather_references(hyps.size(), refs);
  ChrfResult r;
  r.stats.assign(3 * static_cast<std::size_t>(options.char_order + options.word_order), 0);
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    try {
      const auto stats = segment_stats(hyps[i], segments.segments[i], options);
      for (std::size_t k = 0; k < stats.size(); ++k) r.stats[k] += stats[k];
    } catch (const DataError& e) {
      throw DataError("segment " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  r.name = chrf_name(options);
  r.score = chrf_from_stats(r.stats, options);
  r.signature = chrf_signature(options, segments.nrefs);
  return r;
}

ChrfResult sentence_chrf(const std::string& hyp, const std::vector<std::string>& refs,
                         const ChrfOptions& options) {
  std::vector<std::vector<std::string>> streams;
  for (const auto& ref : refs) streams.push_back({ref});
  return corpus_chrf({hyp}, streams, options);
}

}  // namespace nmt::metrics
