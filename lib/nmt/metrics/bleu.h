// BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it
// (sacrebleu/metrics/bleu.py), so that nmt's numbers and sacreBLEU's agree to the last digit.
//
// Per segment: lowercase (optional), str.rstrip(), tokenize, count word n-grams 1..4. A
// hypothesis n-gram is "correct" up to the largest count it has in any one reference; the
// reference length is the one closest to the hypothesis length (the shorter on a tie). Over
// the corpus the counts and lengths are summed, then
//   BLEU = BP * exp(mean_n log p_n),  p_n = correct_n / total_n,
//   BP = 1 if hyp_len >= ref_len else exp(1 - ref_len / hyp_len).
// A zero p_n would make BLEU 0; smoothing replaces it (see Smoothing). With no correct n-gram
// at all the score is 0 without smoothing (sacreBLEU #141).
//
// Usage (the trainer's validation):
//   auto r = nmt::metrics::corpus_bleu(hyps, {refs});  // refs[k][i]: stream k, line i
//   log(r.score, r.signature);                          // 34.12, "nrefs:1|case:mixed|..."
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmt/metrics/score.h"
#include "nmt/metrics/tokenizer.h"

namespace nmt::metrics {

// How zero n-gram matches are smoothed (Chen & Cherry, 2014).
enum class Smoothing {
  none,   // no smoothing: one zero precision makes BLEU 0
  floor,  // method 1: a zero match count becomes `smooth_value` (default 0.1)
  add_k,  // method 2: add `smooth_value` (default 1) to matches and totals for n > 1
  exp,    // method 3, mteval-v13a's: the k-th zero precision becomes 1 / (2^k * total_n)
};

std::string smoothing_name(Smoothing smoothing);     // "none", "floor", "add-k", "exp"
Smoothing parse_smoothing(const std::string& name);  // throws nmt::ConfigError
double default_smooth_value(Smoothing smoothing);    // 0.1 (floor), 1 (add-k), else 0

struct BleuOptions {
  Tokenizer tokenize = Tokenizer::v13a;  // word splitting; part of the signature (tok:)
  bool lowercase = false;                // lowercase hypotheses and references (case:lc)
  Smoothing smooth = Smoothing::exp;     // sacreBLEU's default for corpus and sentence BLEU
  std::optional<double> smooth_value;    // for floor / add-k; unset = their default
  int max_ngram_order = 4;               // highest n-gram order, 1..9 (sacreBLEU's default 4)
  // Average the log precisions only over the orders the hypothesis has n-grams of (eff:yes).
  // Off for corpus BLEU; sentence_bleu() turns it on, as sacreBLEU's sentence scoring does.
  bool effective_order = false;
};

// The sufficient statistics of BLEU, summable over segments.
struct BleuStats {
  std::int64_t sys_len = 0;           // hypothesis tokens
  std::int64_t ref_len = 0;           // closest reference tokens
  std::vector<std::int64_t> correct;  // clipped matches per order (index n-1)
  std::vector<std::int64_t> total;    // hypothesis n-grams per order
  void add(const BleuStats& other);
};

struct BleuResult : MetricScore {
  std::vector<std::int64_t> counts;  // matched n-grams per order, before smoothing
  std::vector<std::int64_t> totals;  // hypothesis n-grams per order, before smoothing
  std::vector<double> precisions;    // percent per order, after smoothing (0 beyond eff. order)
  double bp = 0.0;                   // brevity penalty
  double ratio = 0.0;                // sys_len / ref_len (0 when ref_len is 0)
  std::int64_t sys_len = 0;
  std::int64_t ref_len = 0;
};

// Corpus BLEU. refs[k] is reference stream k, parallel to hyps; empty reference lines are
// skipped (a segment needs at least one non-empty reference). Throws std::invalid_argument on
// mismatched lengths (a caller's error: readers check line counts first, util/line_counts.h),
// nmt::ConfigError on bad options, nmt::DataError on invalid UTF-8 or an all-empty segment.
BleuResult corpus_bleu(const std::vector<std::string>& hyps,
                       const std::vector<std::vector<std::string>>& refs,
                       const BleuOptions& options = {});

// The options sacreBLEU's sentence-level BLEU uses: the defaults with effective_order on.
BleuOptions sentence_bleu_options();

// BLEU of one hypothesis against its references (refs[k] = reference k).
BleuResult sentence_bleu(const std::string& hyp, const std::vector<std::string>& refs,
                         const BleuOptions& options = sentence_bleu_options());

// The statistics of one segment (refs already stripped of empty ones).
BleuStats bleu_segment_stats(const std::string& hyp, const std::vector<const std::string*>& refs,
                             const BleuOptions& options);

// BLEU from summed statistics (sacreBLEU's BLEU.compute_bleu), with the signature for `nrefs`.
BleuResult compute_bleu(const BleuStats& stats, const BleuOptions& options,
                        const std::string& nrefs = "1");

// "nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0"; floor and add-k carry their
// value: "smooth:floor[0.10]".
std::string bleu_signature(const BleuOptions& options, const std::string& nrefs);

}  // namespace nmt::metrics
