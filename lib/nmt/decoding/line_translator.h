// Translation of text lines: validates UTF-8, tokenizes with the source SentencePiece model,
// decodes through a Translator (batching, order restoration, truncation) and detokenizes with the
// target model. Exactly one result per input line: an empty line (or one SentencePiece turns into
// no pieces) gives an empty translation without running the model.
//
// Invalid UTF-8: by default an error (DataError naming the origin, line and byte offset), since
// a silently altered input is worse than a stopped job; with invalid_utf8 = "skip" the line gets
// an empty translation and a warning naming it, keeping the output aligned with the input.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nmt/decoding/translator.h"
#include "nmt/text/tokenizer.h"

namespace nmt {

struct LineTranslation {
  NBestList hypotheses;            // best first (one empty hypothesis for an empty/skipped line)
  std::vector<std::string> texts;  // detokenized hypotheses, aligned with `hypotheses`
  bool skipped = false;            // invalid UTF-8 under invalid_utf8 = "skip"
};

// Called after each batch with the line indices completed and the results vector being filled.
using LineCallback = std::function<void(const std::vector<size_t>& done,
                                        const std::vector<LineTranslation>& results)>;

class LineTranslator {
 public:
  // `translator` must outlive this object. invalid_utf8: "error" | "skip" (ConfigError otherwise).
  LineTranslator(Translator& translator, std::shared_ptr<const Tokenizer> source,
                 std::shared_ptr<const Tokenizer> target, std::string invalid_utf8 = "error");

  // `origin` (a file name or "stdin") and `first_line` (the number of lines[0]) name lines in
  // errors and warnings.
  std::vector<LineTranslation> translate(const std::vector<std::string>& lines,
                                         const std::string& origin = "input",
                                         int64_t first_line = 1, const LineCallback& on_batch = {});

  Translator& translator() { return translator_; }
  const Tokenizer& source_tokenizer() const { return *source_; }
  const Tokenizer& target_tokenizer() const { return *target_; }

 private:
  Translator& translator_;
  std::shared_ptr<const Tokenizer> source_, target_;
  std::string invalid_utf8_;
};

}  // namespace nmt
