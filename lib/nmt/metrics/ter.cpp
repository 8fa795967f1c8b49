#include "nmt/metrics/ter.h"

#include "nmt/metrics/python_str.h"
#include "nmt/metrics/references.h"
#include "nmt/metrics/signature.h"
#include "nmt/metrics/translation_edit_rate.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"

namespace nmt::metrics {
namespace {

// sacreBLEU's TER._preprocess_segment: tokenizer(sent.rstrip()), then str.split(). sacreBLEU
// preprocesses a reference twice (once when caching references, again in
// TER._extract_reference_info); with the default options that changes nothing, but with
// `normalized` it does (e.g. "&amp;lt;" -> "&lt;" -> "<"), so references take `passes` = 2.
std::vector<std::string> ter_words(const std::string& line, const TerOptions& options,
                                   const std::string& context, int passes = 1) {
  std::u32string tokenized = utf8_to_u32(line, context);
  for (int pass = 0; pass < passes; ++pass)
    tokenized = tokenize_tercom(py_rstrip(tokenized), options);
  std::vector<std::string> words;
  for (auto w : py_split(tokenized)) words.push_back(u32_to_utf8(w));
  return words;
}

}  // namespace

std::string ter_signature(const TerOptions& options, const std::string& nrefs) {
  return Signature(nrefs)
      .add("case", options.case_sensitive ? "mixed" : "lc")
      .add("tok", "tercom")
      .add("norm", yes_no(options.normalized))
      .add("punct", yes_no(!options.no_punct))
      .add("asian", yes_no(options.asian_support))
      .format();
}

TerResult corpus_ter(const std::vector<std::string>& hyps,
                     const std::vector<std::vector<std::string>>& refs, const TerOptions& options) {
  const SegmentReferences segments = gather_references(hyps.size(), refs);
  // Summed in segment order as doubles, as sacreBLEU's sum_of_lists does.
  double total_edits = 0.0, total_ref_length = 0.0;
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    try {
      const auto hyp_words = ter_words(hyps[i], options, "hypothesis");
      std::int64_t best_edits = 10000000000000000;  // int(1e16)
      std::int64_t ref_lengths = 0;
      for (const std::string* ref : segments.segments[i]) {
        const EditCount count =
            translation_edit_rate(hyp_words, ter_words(*ref, options, "reference", 2));
        ref_lengths += count.ref_length;
        best_edits = std::min(best_edits, count.edits);
      }
      total_edits += static_cast<double>(best_edits);
      total_ref_length +=
          static_cast<double>(ref_lengths) / static_cast<double>(segments.segments[i].size());
    } catch (const DataError& e) {
      throw DataError("segment " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  TerResult r;
  r.name = "TER";
  r.num_edits = total_edits;
  r.ref_length = total_ref_length;
  double rate;
  if (total_ref_length > 0) {
    rate = total_edits / total_ref_length;
  } else {
    rate = total_edits > 0 ? 1.0 : 0.0;  // empty references: 100 if anything was hypothesised
  }
  r.score = 100 * rate;
  r.signature = ter_signature(options, segments.nrefs);
  return r;
}

TerResult sentence_ter(const std::string& hyp, const std::vector<std::string>& refs,
                       const TerOptions& options) {
  std::vector<std::vector<std::string>> streams;
  for (const auto& ref : refs) streams.push_back({ref});
  return corpus_ter({hyp}, streams, options);
}

}  // namespace nmt::metrics
