// The model's config choices are parsed into enums once, at construction: every name maps to its
// value, and an unknown name is a ConfigError that names the key and the choices.
#include <gtest/gtest.h>

#include <string>

#include "nmt/model/attention_scores.h"
#include "nmt/model/feed_forward.h"
#include "nmt/model/positional_encoding.h"
#include "nmt/util/error.h"

using namespace nmt;

namespace {

template <typename F>
std::string config_error_of(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

}  // namespace

TEST(ConfigChoices, AttentionKindsParse) {
  EXPECT_EQ(parse_attention_kind("scaled_dot"), AttentionKind::kScaledDot);
  EXPECT_EQ(parse_attention_kind("dot"), AttentionKind::kDot);
  EXPECT_EQ(parse_attention_kind("general"), AttentionKind::kGeneral);
  EXPECT_EQ(parse_attention_kind("additive"), AttentionKind::kAdditive);
  EXPECT_EQ(config_error_of([] { parse_attention_kind("cosine"); }),
            "config key 'model.attention': unknown scoring function 'cosine' "
            "(expected scaled_dot, dot, general or additive)");
  EXPECT_EQ(config_error_of([] {
              AttentionScores(AttentionScoresOptions{"Dot", 1, 4, 0.0});
            }),
            "config key 'model.attention': unknown scoring function 'Dot' "
            "(expected scaled_dot, dot, general or additive)");
}

TEST(ConfigChoices, PositionalKindsAndCombineModesParse) {
  EXPECT_EQ(parse_positional_kind("sinusoidal"), PositionalKind::kSinusoidal);
  EXPECT_EQ(parse_positional_kind("learned"), PositionalKind::kLearned);
  EXPECT_EQ(parse_positional_kind("none"), PositionalKind::kNone);
  EXPECT_EQ(parse_positional_combine("add"), PositionalCombine::kAdd);
  EXPECT_EQ(parse_positional_combine("concat"), PositionalCombine::kConcat);
  EXPECT_EQ(config_error_of([] { parse_positional_kind("rotary"); }),
            "config key 'model.positional': unknown encoding 'rotary' (expected sinusoidal, "
            "learned or none)");
  EXPECT_EQ(config_error_of([] { parse_positional_combine("mul"); }),
            "config key 'model.positional_combine': unknown mode 'mul' (expected add or concat)");
}

TEST(ConfigChoices, ActivationsParse) {
  EXPECT_EQ(parse_activation("relu"), Activation::kRelu);
  EXPECT_EQ(parse_activation("gelu"), Activation::kGelu);
  EXPECT_EQ(config_error_of([] { parse_activation("swish"); }),
            "config key 'model.activation': unknown activation 'swish' (expected relu or gelu)");
  EXPECT_EQ(config_error_of([] {
              FeedForward(FeedForwardOptions{8, 16, "tanh", 0.0});
            }),
            "config key 'model.activation': unknown activation 'tanh' (expected relu or gelu)");
}
