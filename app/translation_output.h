// How `nmt translate` and `nmt eval` write translations: one record per input line, in input
// order, flushed as soon as a prefix of the input is complete.
//   text   the best translation per line (with --alignment: "TEXT ||| 0-0 1-2 ...", hard
//          alignments src-tgt from the argmax of each target piece's cross-attention, over pieces)
//   nbest  "i ||| hypothesis ||| score" per hypothesis, i = 0-based input line (Marian, fairseq)
//   jsonl  one JSON object per line: translation, and per hypothesis the score, log_prob, the
//          pieces and ids generated (EOS included) with their log-probs; with --alignment the
//          source pieces and one cross-attention row per target piece
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "nmt/decoding/line_translator.h"

namespace nmt::app {

enum class OutputFormat { text, nbest, jsonl };
OutputFormat parse_output_format(const std::string& name);  // throws ConfigError

// Formats one input's result. `line_index` is 0-based over the whole input; `source` is the
// input line (for the alignment's source pieces).
std::string format_translation(OutputFormat format, int64_t line_index, const std::string& source,
                               const LineTranslation& t, const LineTranslator& translator,
                               bool alignment);

// Writes a chunk's results in input order as batches complete them (they finish out of order).
class OrderedWriter {
 public:
  OrderedWriter(std::ostream& out, OutputFormat format, bool alignment,
                const LineTranslator& translator)
      : out_(out), format_(format), alignment_(alignment), translator_(translator) {}

  // Starts a chunk of `lines` whose first line has 0-based index `first_index`.
  void start_chunk(const std::vector<std::string>& lines, int64_t first_index);
  // The LineCallback: records `done` and writes (and flushes) every result now in order.
  void on_batch(const std::vector<size_t>& done, const std::vector<LineTranslation>& results);

 private:
  std::ostream& out_;
  OutputFormat format_;
  bool alignment_;
  const LineTranslator& translator_;
  const std::vector<std::string>* lines_ = nullptr;
  int64_t first_index_ = 0;
  std::vector<bool> ready_;
  size_t next_ = 0;
};

}  // namespace nmt::app
