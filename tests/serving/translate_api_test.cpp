// POST /translate's JSON: every bad input is refused with the status and field the docs name,
// and the answer mirrors the request's shape.
#include <gtest/gtest.h>

#include "nmt/serving/translate_api.h"

using nmt::serving::ApiError;
using nmt::serving::ApiLimits;
using nmt::serving::parse_translate_request;

namespace {

// {status, field, message} of the ApiError a body raises ({0, "", ""} when it parses).
struct Refusal {
  int status = 0;
  std::string field, message;
};

Refusal refusal(const std::string& body, ApiLimits limits = {}) {
  try {
    parse_translate_request(body, nmt::DecodeConfig{}, limits);
  } catch (const ApiError& e) {
    return {e.status, e.field, e.what()};
  }
  return {};
}

}  // namespace

TEST(TranslateApi, AStringOrAListOfStrings) {
  const auto one = parse_translate_request(R"({"q": "Hello."})", nmt::DecodeConfig{}, {});
  EXPECT_TRUE(one.single);
  EXPECT_EQ(one.request.lines, std::vector<std::string>({"Hello."}));
  const auto many = parse_translate_request(R"({"q": ["a", "", "b c"], "source": "en"})",
                                            nmt::DecodeConfig{}, {});
  EXPECT_FALSE(many.single);
  EXPECT_EQ(many.request.lines, std::vector<std::string>({"a", "", "b c"}));
}

TEST(TranslateApi, OptionsOverrideTheDefaults) {
  nmt::DecodeConfig defaults;
  defaults.beam = 4;
  defaults.length_penalty = 1.0;
  const auto d = parse_translate_request(R"({"q": "x"})", defaults, {}).request.decode;
  EXPECT_EQ(d.beam, 4);
  EXPECT_DOUBLE_EQ(d.length_penalty, 1.0);
  const auto p = parse_translate_request(
      R"({"q": "x", "beam": 2, "nbest": 2, "length_penalty": 0.2, "alignment": true})", defaults,
      {});
  EXPECT_EQ(p.request.decode.beam, 2);
  EXPECT_EQ(p.request.decode.nbest, 2);
  EXPECT_DOUBLE_EQ(p.request.decode.length_penalty, 0.2);
  EXPECT_TRUE(p.request.alignment);
  EXPECT_FALSE(p.request.decode.sample);
}

TEST(TranslateApi, BadInputNamesTheField) {
  const std::vector<std::pair<std::string, std::pair<int, std::string>>> cases = {
      {"{not json", {400, ""}},
      {"[1, 2]", {400, ""}},
      {R"({"text": "x"})", {400, "q"}},
      {R"({"q": 3})", {400, "q"}},
      {R"({"q": ["a", 2]})", {400, "q[1]"}},
      {R"({"q": "x", "beam": 0})", {400, "beam"}},
      {R"({"q": "x", "beam": 1000})", {400, "beam"}},
      {R"({"q": "x", "beam": 1.5})", {400, "beam"}},
      {R"({"q": "x", "beam": 2, "nbest": 3})", {400, "nbest"}},
      {R"({"q": "x", "length_penalty": "high"})", {400, "length_penalty"}},
      {R"({"q": "x", "length_penalty": -1})", {400, "length_penalty"}},
      {R"({"q": "x", "alignment": "yes"})", {400, "alignment"}},
      {R"({"q": "x", "format": "html"})", {400, "format"}},
  };
  for (const auto& [body, expected] : cases) {
    const Refusal r = refusal(body);
    EXPECT_EQ(r.status, expected.first) << body;
    EXPECT_EQ(r.field, expected.second) << body;
    EXPECT_FALSE(r.message.empty()) << body;
  }
}

TEST(TranslateApi, MessagesSayWhatIsWrong) {
  EXPECT_EQ(refusal(R"({"q": "x", "beam": 0})").message, "beam must be in 1..64, got 0");
  EXPECT_EQ(refusal(R"({"q": ["a", 2]})").message, "q[1] must be a string");
  EXPECT_EQ(refusal("{\"q\": \"a\xff\"}").message, "request body: invalid UTF-8 at byte 9");
  ApiLimits two;
  two.max_lines = 2;
  const Refusal r = refusal(R"({"q": ["a", "b", "c"]})", two);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.message, "q has 3 lines; at most 2 per request (--max-lines)");
}

TEST(TranslateApi, ErrorJsonNamesTheField) {
  EXPECT_EQ(nmt::serving::error_json("beam must be in 1..64, got 0", "beam"),
            R"({"error":"beam must be in 1..64, got 0","field":"beam"})");
  EXPECT_EQ(nmt::serving::error_json("queue full"), R"({"error":"queue full"})");
}

TEST(TranslateApi, TheAnswerHasTheShapeOfQ) {
  nmt::serving::TranslationReply reply;
  reply.lines.resize(2);
  reply.lines[0].texts = {"eins"};
  reply.lines[0].hypotheses.resize(1);
  reply.lines[0].hypotheses[0].score = -1.5;
  reply.lines[1].texts = {""};
  reply.lines[1].hypotheses.resize(1);
  auto list =
      parse_translate_request(R"({"q": ["one", ""], "scores": true})", nmt::DecodeConfig{}, {});
  const auto a = nmt::serving::translate_answer(list, reply);
  EXPECT_EQ(a["translatedText"], nlohmann::json::array({"eins", ""}));
  EXPECT_EQ(a["scores"][0], -1.5);
  EXPECT_FALSE(a.contains("warnings"));
  reply.lines.resize(1);
  reply.warnings = {"q[0]: cropped"};
  const auto single =
      nmt::serving::translate_answer(parse_translate_request(R"({"q": "one"})", {}, {}), reply);
  EXPECT_EQ(single["translatedText"], "eins");
  EXPECT_EQ(single["warnings"][0], "q[0]: cropped");
}
