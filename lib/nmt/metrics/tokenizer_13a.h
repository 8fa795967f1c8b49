// sacreBLEU's default BLEU tokenizer, `13a`: the tokenization of mteval-v13a.pl, which WMT has
// used for its official scores since 2009.
//
// Steps (sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py), in this order:
//   1. remove "<skipped>"; join "-\n" hyphenations; turn remaining '\n' into ' ';
//   2. unescape &quot; &amp; &lt; &gt; (one pass each, in that order, so "&amp;lt;" -> "<");
//   3. pad the line with one space on each side;
//   4. pad every ASCII symbol except ' , - . (see rules::is_13a_symbol) with spaces;
//   5. split '.' and ',' from a preceding non-digit:   "a." -> "a . "
//   6. split '.' and ',' from a following non-digit:   ".a" -> " . a"
//      (so "3.14" and "1,000" stay whole, but "end." and "2." at a line end split)
//   7. split '-' from a preceding digit:               "3-4" -> "3 - 4", "x-y" stays
//   8. collapse whitespace (' '.join(line.split())).
// Non-ASCII punctuation (e.g. '„', '€', '–') is left attached; use `intl` for that.
#pragma once

#include <string>
#include <string_view>

namespace nmt::metrics {

std::u32string tokenize_13a(std::u32string_view line);

}  // namespace nmt::metrics
