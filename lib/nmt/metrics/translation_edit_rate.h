// The edit count of TER: the fewest word insertions, deletions, substitutions and block
// shifts that turn a hypothesis into a reference (Snover et al., 2006). A port of sacreBLEU's
// sacrebleu/metrics/lib_ter.py, itself a near-exact reimplementation of Tercom:
//
//   repeat: among all shifts of a hypothesis block (<= 10 words, moved <= 50 positions) that
//           matches a reference block, take the one that lowers the edit distance the most
//           (ties: longer block, then earlier block, then earlier target); stop when none
//           helps or 1000 candidates have been tried in total;
//   edits = shifts made + Levenshtein distance of the shifted hypothesis.
//
// The Levenshtein distance is computed in a beam of +-25 cells around the (length-ratio
// scaled) diagonal, and rows are cached in a trie over hypothesis prefixes, as sacreBLEU does;
// the beam is what makes "exact" mean "as sacreBLEU", which on degenerate inputs can differ
// from Tercom.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmt::metrics {

struct EditCount {
  std::int64_t edits = 0;       // shifts + insertions + deletions + substitutions
  std::int64_t ref_length = 0;  // words in the reference
};

// TER's numerator and denominator for one hypothesis/reference pair of word sequences. An
// empty reference gives {hyp words, 0}.
EditCount translation_edit_rate(const std::vector<std::string>& hyp_words,
                                const std::vector<std::string>& ref_words);

}  // namespace nmt::metrics
