// chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them
// (sacrebleu/metrics/chrf.py).
//
// Character n-grams of orders 1..char_order (whitespace removed first, unless `whitespace`)
// and, for chrF++, word n-grams of orders 1..word_order (words split on whitespace, with one
// leading or trailing ASCII punctuation character split off). For each order the hypothesis,
// reference and matched n-gram counts are summed over the corpus; per order
//   P = matches / hyp n-grams, R = matches / ref n-grams,
// P and R are averaged over the orders both sides have n-grams of ("effective order", the
// default; with eps_smoothing Popović's chrF++.py averaging is used instead), and
//   chrF = 100 * (1 + beta^2) P R / (beta^2 P + R).
// With several references each segment uses the one with the best sentence chrF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/metrics/score.h"

namespace nmt::metrics {

struct ChrfOptions {
  int char_order = 6;          // character n-gram order, >= 1 (signature nc:)
  int word_order = 0;          // word n-gram order, >= 0; 2 gives chrF++ (signature nw:)
  int beta = 2;                // recall is beta times as important as precision (name chrF<beta>)
  bool lowercase = false;      // str.lower() both sides (signature case:lc)
  bool whitespace = false;     // keep whitespace inside character n-grams (signature space:yes)
  bool eps_smoothing = false;  // chrF++.py / NLTK / Moses averaging instead of effective order
};

struct ChrfResult : MetricScore {
  // Summed [hyp n-grams, ref n-grams, matches] per order: character orders 1..char_order,
  // then word orders 1..word_order (3 * (char_order + word_order) numbers).
  std::vector<std::int64_t> stats;
};

// Corpus chrF; refs[k] is reference stream k, parallel to hyps (empty references skipped, see
// references.h). Throws std::invalid_argument / nmt::DataError as corpus_bleu does.
ChrfResult corpus_chrf(const std::vector<std::string>& hyps,
                       const std::vector<std::vector<std::string>>& refs,
                       const ChrfOptions& options = {});

// chrF of one hypothesis against its references (refs[k] = reference k).
ChrfResult sentence_chrf(const std::string& hyp, const std::vector<std::string>& refs,
                         const ChrfOptions& options = {});

// The score from summed statistics (sacreBLEU's CHRF._compute_f_score), 0..100.
double chrf_from_stats(const std::vector<std::int64_t>& stats, const ChrfOptions& options);

// "nrefs:N|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0".
std::string chrf_signature(const ChrfOptions& options, const std::string& nrefs);

// "chrF2", or "chrF2++" for word order 2 (one '+' per word order).
std::string chrf_name(const ChrfOptions& options);

}  // namespace nmt::metrics
