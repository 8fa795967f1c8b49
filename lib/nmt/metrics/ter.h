// TER, translation edit rate (Snover et al., 2006), exactly as sacreBLEU 2.x computes it
// (sacrebleu/metrics/ter.py): 100 * total edits / total average reference length, where a
// segment's edits are the fewest over its references (translation_edit_rate.h) and its length
// is the mean length of its references. Lower is better. The defaults are Tercom's: words
// split on whitespace, case-insensitive, no normalization (tokenizer_ter.h).
#pragma once

#include <string>
#include <vector>

#include "nmt/metrics/score.h"
#include "nmt/metrics/tokenizer_ter.h"

namespace nmt::metrics {

// TER's options are the Tercom tokenizer's (normalized, no_punct, asian_support,
// case_sensitive; all off by default).
using TerOptions = TercomOptions;

struct TerResult : MetricScore {
  double num_edits = 0.0;   // summed best edit counts
  double ref_length = 0.0;  // summed average reference lengths
};

// Corpus TER; refs[k] is reference stream k, parallel to hyps (empty references skipped, see
// references.h). Throws std::invalid_argument / nmt::DataError as corpus_bleu does.
TerResult corpus_ter(const std::vector<std::string>& hyps,
                     const std::vector<std::vector<std::string>>& refs,
                     const TerOptions& options = {});

// TER of one hypothesis against its references (refs[k] = reference k).
TerResult sentence_ter(const std::string& hyp, const std::vector<std::string>& refs,
                       const TerOptions& options = {});

// "nrefs:N|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0".
std::string ter_signature(const TerOptions& options, const std::string& nrefs);

}  // namespace nmt::metrics
