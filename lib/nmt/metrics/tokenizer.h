// The BLEU tokenizers of sacreBLEU: `13a` (the default), `intl`, `char` and `none`.
//
// BLEU counts word n-grams, so a score is only comparable with another when both split words
// the same way; the tokenizer's name is part of the signature (`tok:13a`). Each tokenizer maps
// a line to a string whose whitespace-separated pieces are the tokens (sacreBLEU then calls
// `str.split()`, see python_str.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nmt::metrics {

enum class Tokenizer {
  none,       // "none": the line as it is; tokens are its whitespace-separated words
  v13a,       // "13a": mteval-v13a.pl, the WMT standard (tokenizer_13a.h)
  intl,       // "intl": mteval-v14.pl --international-tokenization (tokenizer_intl.h)
  character,  // "char": every non-space code point is a token
};

// The name used on the command line and in signatures: "none", "13a", "intl", "char".
std::string tokenizer_name(Tokenizer tokenizer);

// The inverse of tokenizer_name; throws nmt::ConfigError listing the choices.
Tokenizer parse_tokenizer(const std::string& name);

// The names accepted by parse_tokenizer, in the order sacreBLEU lists them.
const std::vector<std::string>& tokenizer_names();

// Tokenizes one line exactly as sacreBLEU's tokenizer of that name does.
std::u32string tokenize(Tokenizer tokenizer, std::u32string_view line);

}  // namespace nmt::metrics
