#include "nmt/serving/translate_api.h"

#include "nmt/util/utf8.h"

namespace nmt::serving {
namespace {

using nlohmann::json;

int64_t integer_field(const json& doc, const char* name, int64_t fallback, int64_t lo, int64_t hi) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() && !it->is_number_unsigned())
    throw ApiError(400, name, std::string(name) + " must be an integer");
  const int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
                        ? INT64_MAX
                        : it->get<int64_t>();
  if (v < lo || v > hi)
    throw ApiError(400, name,
                   std::string(name) + " must be in " + std::to_string(lo) + ".." +
                       std::to_string(hi) + ", got " + std::to_string(v));
  return v;
}

double number_field(const json& doc, const char* name, double fallback, double lo, double hi) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw ApiError(400, name, std::string(name) + " must be a number");
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi))
    throw ApiError(400, name,
                   std::string(name) + " must be in " + json(lo).dump() + ".." + json(hi).dump() +
                       ", got " + json(v).dump());
  return v;
}

bool bool_field(const json& doc, const char* name, bool fallback) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw ApiError(400, name, std::string(name) + " must be true or false");
  return it->get<bool>();
}

}  // namespace

std::string error_json(const std::string& what, const std::string& field) {
  json j = {{"error", what}};
  if (!field.empty()) j["field"] = field;
  return j.dump();
}

ParsedRequest parse_translate_request(const std::string& body, const DecodeConfig& defaults,
                                      const ApiLimits& limits) {
  const size_t bad = find_invalid_utf8(body);
  if (bad != std::string::npos)
    throw ApiError(400, "", "request body: invalid UTF-8 at byte " + std::to_string(bad + 1));
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, "", std::string("request body is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) throw ApiError(400, "", "request body must be a JSON object");

  ParsedRequest out;
  const auto q = doc.find("q");
  if (q == doc.end()) throw ApiError(400, "q", "q is missing: give the text to translate");
  if (q->is_string()) {
    out.single = true;
    out.request.lines.push_back(q->get<std::string>());
  } else if (q->is_array()) {
    if (static_cast<int64_t>(q->size()) > limits.max_lines)
      throw ApiError(413, "q",
                     "q has " + std::to_string(q->size()) + " lines; at most " +
                         std::to_string(limits.max_lines) + " per request (--max-lines)");
    for (size_t i = 0; i < q->size(); ++i) {
      if (!(*q)[i].is_string())
        throw ApiError(400, "q[" + std::to_string(i) + "]",
                       "q[" + std::to_string(i) + "] must be a string");
      out.request.lines.push_back((*q)[i].get<std::string>());
    }
  } else {
    throw ApiError(400, "q", "q must be a string or a list of strings");
  }
  // A line break inside one entry would be two sentences to the model: keep it one line.
  for (size_t i = 0; i < out.request.lines.size(); ++i)
    for (char& c : out.request.lines[i])
      if (c == '\n' || c == '\r') c = ' ';

  DecodeConfig d = defaults;
  d.sample = false;
  d.beam = integer_field(doc, "beam", d.beam, 1, limits.max_beam);
  d.nbest = integer_field(doc, "nbest", std::min(d.nbest, d.beam), 1, d.beam);
  d.length_penalty = number_field(doc, "length_penalty", d.length_penalty, 0.0, 10.0);
  out.request.decode = d;
  out.request.alignment = bool_field(doc, "alignment", false);
  out.scores = bool_field(doc, "scores", false);
  const auto format = doc.find("format");
  if (format != doc.end() && !format->is_null()) {
    if (!format->is_string() || format->get<std::string>() != "text")
      throw ApiError(400, "format", "format must be \"text\" (html is not supported)");
  }
  return out;
}

json translate_answer(const ParsedRequest& parsed, const TranslationReply& reply) {
  json texts = json::array(), scores = json::array(), align = json::array(), nbest = json::array();
  for (const LineTranslation& t : reply.lines) {
    texts.push_back(t.texts.empty() ? "" : t.texts.front());
    scores.push_back(t.hypotheses.empty() ? 0.0 : t.hypotheses.front().score);
    align.push_back(t.hypotheses.empty() ? "" : hard_alignment(t.hypotheses.front()));
    json list = json::array();
    for (size_t n = 0; n < t.hypotheses.size(); ++n)
      list.push_back({{"text", t.texts[n]}, {"score", t.hypotheses[n].score}});
    nbest.push_back(std::move(list));
  }
  json out;
  out["translatedText"] = parsed.single ? texts.at(0) : texts;
  if (parsed.scores) out["scores"] = parsed.single ? scores.at(0) : scores;
  if (parsed.request.alignment) out["alignment"] = parsed.single ? align.at(0) : align;
  if (parsed.request.decode.nbest > 1) out["nbest"] = parsed.single ? nbest.at(0) : nbest;
  if (!reply.warnings.empty()) out["warnings"] = reply.warnings;
  return out;
}

}  // namespace nmt::serving
