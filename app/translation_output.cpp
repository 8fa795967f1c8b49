#include "translation_output.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "nmt/config/special_ids.h"
#include "nmt/util/error.h"

namespace nmt::app {
namespace {

double round4(double x) { return std::round(x * 1e4) / 1e4; }

std::string fixed6(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", x);
  return buf;
}

nlohmann::json hypothesis_json(const Hypothesis& h, const std::string& text,
                               const Tokenizer& target, bool alignment) {
  nlohmann::json j;
  j["translation"] = text;
  j["score"] = h.score;
  j["log_prob"] = h.log_prob;
  nlohmann::json pieces = nlohmann::json::array(), ids = nlohmann::json::array(),
                 lps = nlohmann::json::array();
  for (size_t i = 0; i < h.tokens.size(); ++i) {
    pieces.push_back(target.id_to_piece(h.tokens[i]));
    ids.push_back(h.tokens[i]);
    lps.push_back(round4(h.token_log_probs[i]));
  }
  j["tokens"] = pieces;
  j["ids"] = ids;
  j["token_log_probs"] = lps;
  if (alignment && h.attention.defined()) {
    nlohmann::json rows = nlohmann::json::array();
    const torch::Tensor a = h.attention.to(torch::kDouble).contiguous();  // [T, S]
    for (int64_t t = 0; t < a.size(0); ++t) {
      nlohmann::json row = nlohmann::json::array();
      for (int64_t s = 0; s < a.size(1); ++s) row.push_back(round4(a[t][s].item<double>()));
      rows.push_back(row);
    }
    j["alignment"] = rows;
  }
  return j;
}

}  // namespace

OutputFormat parse_output_format(const std::string& name) {
  if (name == "text") return OutputFormat::text;
  if (name == "nbest") return OutputFormat::nbest;
  if (name == "jsonl") return OutputFormat::jsonl;
  throw ConfigError("--format: '" + name + "' is not one of text, nbest, jsonl");
}

std::string format_translation(OutputFormat format, int64_t line_index, const std::string& source,
                               const LineTranslation& t, const LineTranslator& translator,
                               bool alignment) {
  switch (format) {
    case OutputFormat::text: {
      std::string line = t.texts.front();
      if (alignment) line += " ||| " + hard_alignment(t.hypotheses.front());
      return line + "\n";
    }
    case OutputFormat::nbest: {
      std::string out;
      for (size_t n = 0; n < t.hypotheses.size(); ++n)
        out += std::to_string(line_index) + " ||| " + t.texts[n] + " ||| " +
               fixed6(t.hypotheses[n].score) + "\n";
      return out;
    }
    case OutputFormat::jsonl: {
      nlohmann::json j;
      j["line"] = line_index + 1;
      j["translation"] = t.texts.front();
      if (t.skipped) j["skipped"] = "invalid UTF-8";
      if (alignment) {
        nlohmann::json pieces = nlohmann::json::array();
        if (!t.skipped && !t.hypotheses.front().tokens.empty()) {
          for (const auto& p : translator.source_tokenizer().encode_pieces(source))
            pieces.push_back(p);
          pieces.push_back(translator.source_tokenizer().id_to_piece(kEosId));
        }
        j["source_tokens"] = pieces;
      }
      nlohmann::json hyps = nlohmann::json::array();
      for (size_t n = 0; n < t.hypotheses.size(); ++n)
        hyps.push_back(
            hypothesis_json(t.hypotheses[n], t.texts[n], translator.target_tokenizer(), alignment));
      j["hypotheses"] = hyps;
      return j.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace) +
             "\n";
    }
  }
  return "";
}

void OrderedWriter::start_chunk(const std::vector<std::string>& lines, int64_t first_index) {
  lines_ = &lines;
  first_index_ = first_index;
  ready_.assign(lines.size(), false);
  next_ = 0;
}

void OrderedWriter::on_batch(const std::vector<size_t>& done,
                             const std::vector<LineTranslation>& results) {
  for (size_t i : done) ready_[i] = true;
  const size_t before = next_;
  for (; next_ < ready_.size() && ready_[next_]; ++next_)
    out_ << format_translation(format_, first_index_ + static_cast<int64_t>(next_),
                               (*lines_)[next_], results[next_], translator_, alignment_);
  if (next_ != before) out_.flush();
}

}  // namespace nmt::app
