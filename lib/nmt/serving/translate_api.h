// The JSON of `nmt serve`'s POST /translate (docs/serving.md): parsing and checking a request
// body into a TranslationRequest, and writing the answer. Field names follow LibreTranslate
// ("q", "translatedText") so its clients work unchanged.
//
// Request:  {"q": "text" | ["a", "b", ...], "beam": 5, "nbest": 1, "length_penalty": 0.6,
//            "alignment": false, "scores": false, "format": "text"}
// Answer:   {"translatedText": "..." | [...]}  (a string for a string q, a list for a list)
//           + "scores" (best hypothesis' score per line) when scores is true,
//           + "alignment" ("s-t ..." per line) when alignment is true,
//           + "nbest" ([{"text", "score"}, ...] per line) when nbest > 1,
//           + "warnings" ([...]) when a line was cropped to the model's length.
// Errors:   {"error": "message", "field": "q"} with a 4xx status; see ApiError.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "nmt/config/config.h"
#include "nmt/serving/batching_translator.h"

namespace nmt::serving {

// A request the server refuses: `status` is the HTTP code (400, 413, ...); `field` names the
// request field at fault ("" when it is the body as a whole).
struct ApiError : std::runtime_error {
  ApiError(int status, std::string field, const std::string& what)
      : std::runtime_error(what), status(status), field(std::move(field)) {}
  int status;
  std::string field;
};

struct ApiLimits {
  int64_t max_lines = 256;  // lines (entries of q) per request
  int64_t max_beam = 64;
};

struct ParsedRequest {
  TranslationRequest request;
  bool single = false;  // q was a string: answer with a string
  bool scores = false;
};

// Throws ApiError for invalid JSON or UTF-8, a missing or mistyped field, an option out of
// range, or too many lines. Fields it does not know (LibreTranslate's source, target, api_key)
// are ignored. `defaults` is the model's decode section with the server's flags applied.
ParsedRequest parse_translate_request(const std::string& body, const DecodeConfig& defaults,
                                      const ApiLimits& limits);

nlohmann::json translate_answer(const ParsedRequest& parsed, const TranslationReply& reply);

// {"error": what, "field": field} (field left out when empty).
std::string error_json(const std::string& what, const std::string& field = "");

}  // namespace nmt::serving
