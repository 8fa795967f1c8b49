#include "nmt/decoding/line_translator.h"

#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/utf8.h"

namespace nmt {

LineTranslator::LineTranslator(Translator& translator, std::shared_ptr<const Tokenizer> source,
                               std::shared_ptr<const Tokenizer> target, std::string invalid_utf8)
    : translator_(translator),
      source_(std::move(source)),
      target_(std::move(target)),
      invalid_utf8_(std::move(invalid_utf8)) {
  if (!source_ || !target_) throw std::invalid_argument("LineTranslator: tokenizers are required");
  if (invalid_utf8_ != "error" && invalid_utf8_ != "skip")
    throw ConfigError("--invalid-utf8: '" + invalid_utf8_ + "' is not one of error, skip");
}

std::vector<LineTranslation> LineTranslator::translate(const std::vector<std::string>& lines,
                                                       const std::string& origin,
                                                       int64_t first_line,
                                                       const LineCallback& on_batch) {
  std::vector<LineTranslation> out(lines.size());
  std::vector<std::vector<int64_t>> sources(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const int64_t line = first_line + static_cast<int64_t>(i);
    const size_t bad = find_invalid_utf8(lines[i]);
    if (bad != std::string::npos) {
      const std::string where = invalid_utf8_message(origin, line, bad);
      if (invalid_utf8_ == "error")
        throw DataError(where + " (use --invalid-utf8 skip to skip such lines)");
      log::warn(where, "; skipped (empty output line)");
      out[i].skipped = true;
      continue;
    }
    const std::vector<int32_t> ids = source_->encode(lines[i]);
    sources[i].assign(ids.begin(), ids.end());
  }

  auto detokenize = [&](const std::vector<size_t>& done, const std::vector<NBestList>& results) {
    for (size_t i : done) {
      out[i].hypotheses = results[i];
      out[i].texts.clear();
      for (const auto& h : out[i].hypotheses)
        out[i].texts.push_back(target_->decode(h.output_tokens()));
    }
    if (on_batch) on_batch(done, out);
  };
  translator_.translate(sources, origin, first_line, detokenize);
  return out;
}

}  // namespace nmt
