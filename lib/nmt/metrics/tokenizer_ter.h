// The Tercom tokenizer that sacreBLEU's TER applies to every line
// (sacrebleu/tokenizers/tokenizer_ter.py, a port of Tercom's Normalizer.java).
//
// With the defaults it only lowercases and collapses whitespace: TER, as Tercom, compares
// words split on whitespace, case-insensitively. The options switch on Tercom's extras.
#pragma once

#include <string>
#include <string_view>

namespace nmt::metrics {

struct TercomOptions {
  // Tercom's "-N": join "\n-" hyphenations and lines, unescape &quot; &amp; &lt; &gt;, split
  // ASCII punctuation as 13a does (plus "'s" possessives). Default off, as in Tercom.
  bool normalized = false;
  // Tercom's "-P": delete the characters . , ? : ; ! " ( ). Default off.
  bool no_punct = false;
  // Tercom's "--asian-support": with `normalized`, split CJK ideographs and CJK punctuation
  // into single characters; with `no_punct`, also delete CJK and full-width punctuation.
  bool asian_support = false;
  // Keep case; by default the line is lowercased (str.lower()), as Tercom does.
  bool case_sensitive = false;
};

// Tokenizes one line; the result's words are separated by single spaces.
std::u32string tokenize_tercom(std::u32string_view line, const TercomOptions& options);

}  // namespace nmt::metrics
