// Small deterministic corpora for data-pipeline tests: an English-like source and a German-like
// target built from word lists (with umlauts and ß, so UTF-8 matters), varied sentence lengths.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace nmt::test {

inline const std::vector<std::pair<std::string, std::string>>& synthetic_lexicon() {
  static const std::vector<std::pair<std::string, std::string>> words = {
      {"the", "die"},        {"dog", "Hund"},      {"runs", "läuft"},    {"over", "über"},
      {"green", "grüne"},    {"grass", "Gras"},    {"a", "ein"},         {"man", "Mann"},
      {"sits", "sitzt"},     {"on", "auf"},        {"street", "Straße"}, {"children", "Kinder"},
      {"play", "spielen"},   {"in", "in"},         {"water", "Wasser"},  {"woman", "Frau"},
      {"reads", "liest"},    {"book", "Buch"},     {"big", "großes"},    {"small", "kleines"},
      {"red", "rotes"},      {"car", "Auto"},      {"near", "nahe"},     {"house", "Haus"},
      {"two", "zwei"},       {"girls", "Mädchen"}, {"are", "sind"},      {"walking", "gehend"},
      {"with", "mit"},       {"white", "weißen"},  {"shirt", "Hemd"},    {"and", "und"},
      {"black", "schwarze"}, {"hat", "Hut"},       {"boy", "Junge"},     {"jumps", "springt"},
      {"into", "hinein"},    {"pool", "Becken"},   {"people", "Leute"},  {"wait", "warten"},
  };
  return words;
}

// `n` pairs of 1..max_words words each; the target translates word by word (so lengths correlate).
inline std::vector<std::pair<std::string, std::string>> synthetic_pairs(int n, int max_words = 20,
                                                                        uint32_t seed = 7) {
  std::mt19937 rng(seed);
  const auto& lex = synthetic_lexicon();
  std::uniform_int_distribution<int> word(0, static_cast<int>(lex.size()) - 1);
  std::uniform_int_distribution<int> length(1, max_words);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < n; ++i) {
    std::string src, tgt;
    const int len = length(rng);
    for (int k = 0; k < len; ++k) {
      const auto& w = lex[word(rng)];
      src += (k ? " " : "") + w.first;
      tgt += (k ? " " : "") + w.second;
    }
    pairs.emplace_back(src + " .", tgt + " .");
  }
  return pairs;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

}  // namespace nmt::test
