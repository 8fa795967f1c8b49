// sacreBLEU's `intl` BLEU tokenizer: mteval-v14.pl's international tokenization, which splits
// on Unicode punctuation and symbols in any script (13a only knows ASCII).
//
// Rules (sacrebleu/tokenizers/tokenizer_intl.py, Unicode classes of the `regex` module):
//   1. (\P{N})(\p{P}) -> "\1 \2 "  punctuation after a non-number is split off
//   2. (\p{P})(\P{N}) -> " \1 \2"  punctuation before a non-number is split off
//   3. (\p{S})        -> " \1 "    every symbol (currency, math, emoji, ...) is split off
//   4. collapse whitespace.
// N, P and S are the Unicode general-category groups (Nd|Nl|No, Pc|Pd|Ps|Pe|Pi|Pf|Po,
// Sm|Sc|Sk|So), looked up in ICU. Unlike 13a, no spaces are added around the line first, so
// a number followed by a final '.' keeps it ("in 2023." stays "in 2023."), as in mteval-v14.
#pragma once

#include <string>
#include <string_view>

namespace nmt::metrics {

std::u32string tokenize_intl(std::u32string_view line);

// The Unicode general-category groups the rules use.
bool is_unicode_number(char32_t c);       // \p{N}
bool is_unicode_punctuation(char32_t c);  // \p{P}
bool is_unicode_symbol(char32_t c);       // \p{S}

}  // namespace nmt::metrics
