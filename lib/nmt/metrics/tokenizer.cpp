#include "nmt/metrics/tokenizer.h"

#include "nmt/metrics/tokenizer_13a.h"
#include "nmt/metrics/tokenizer_intl.h"
#include "nmt/util/error.h"

namespace nmt::metrics {
namespace {

// sacreBLEU's TokenizerChar: " ".join(line). Whitespace in the line becomes a "token" that
// the later str.split() drops, so only non-space code points count.
std::u32string tokenize_char(std::u32string_view line) {
  std::u32string out;
  out.reserve(line.size() * 2);
  for (char32_t c : line) {
    if (!out.empty()) out.push_back(U' ');
    out.push_back(c);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& tokenizer_names() {
  static const std::vector<std::string> names{"none", "13a", "char", "intl"};
  return names;
}

std::string tokenizer_name(Tokenizer tokenizer) {
  switch (tokenizer) {
    case Tokenizer::none:
      return "none";
    case Tokenizer::v13a:
      return "13a";
    case Tokenizer::intl:
      return "intl";
    case Tokenizer::character:
      return "char";
  }
  return "13a";
}

Tokenizer parse_tokenizer(const std::string& name) {
  if (name == "none") return Tokenizer::none;
  if (name == "13a") return Tokenizer::v13a;
  if (name == "intl") return Tokenizer::intl;
  if (name == "char") return Tokenizer::character;
  throw ConfigError("unknown BLEU tokenizer '" + name + "' (choose none, 13a, char or intl)");
}

std::u32string tokenize(Tokenizer tokenizer, std::u32string_view line) {
  switch (tokenizer) {
    case Tokenizer::none:
      return std::u32string(line);
    case Tokenizer::v13a:
      return tokenize_13a(line);
    case Tokenizer::intl:
      return tokenize_intl(line);
    case Tokenizer::character:
      return tokenize_char(line);
  }
  return std::u32string(line);
}

}  // namespace nmt::metrics
