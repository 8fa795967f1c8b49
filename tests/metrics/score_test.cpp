// Number and JSON formatting as Python's f-strings and json.dumps produce them.
#include <gtest/gtest.h>

#include "nmt/metrics/score.h"

using namespace nmt::metrics;

TEST(ScoreFormat, FixedRoundsLikePythonFormat) {
  // f"{x:.2f}" rounds the exact binary value: 2.675 is 2.67499999..., 0.125 is an exact tie
  // (half to even), 0.375 too.
  EXPECT_EQ(format_fixed(2.675, 2), "2.67");
  EXPECT_EQ(format_fixed(0.125, 2), "0.12");
  EXPECT_EQ(format_fixed(0.375, 2), "0.38");
  EXPECT_EQ(format_fixed(100.00000000000004, 1), "100.0");
  EXPECT_EQ(format_fixed(34.15, 1), "34.1");  // 34.149999999999998...
}

TEST(ScoreFormat, FloatReprMatchesPython) {
  EXPECT_EQ(python_float_repr(20.8), "20.8");
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(1e-05), "1e-05");
  EXPECT_EQ(python_float_repr(1.5e16), "1.5e+16");
  EXPECT_EQ(python_float_repr(123456789.0), "123456789.0");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
}

TEST(ScoreFormat, TextLineWithAndWithoutSignature) {
  MetricScore s{"chrF2", 52.04, "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0", ""};
  EXPECT_EQ(s.format(1),
            "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0 = 52.0");
  EXPECT_EQ(s.format(2, false), "chrF2 = 52.04");
  EXPECT_EQ(s.format(3, true, true), "52.040");
}

TEST(ScoreFormat, JsonIsSacrebleusIndentedObject) {
  MetricScore s{"TER", 69.04, "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0",
                ""};
  EXPECT_EQ(
      s.to_json(1),
      "{\n"
      " \"name\": \"TER\",\n"
      " \"score\": 69.0,\n"
      " \"signature\": \"nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0\",\n"
      " \"nrefs\": \"1\",\n"
      " \"case\": \"lc\",\n"
      " \"tok\": \"tercom\",\n"
      " \"norm\": \"no\",\n"
      " \"punct\": \"yes\",\n"
      " \"asian\": \"no\",\n"
      " \"version\": \"2.4.0\"\n"
      "}");
  EXPECT_EQ(MetricScore({"X", 1.0, "a:b", "v \"q\""}).to_json(0, false),
            "{\"name\": \"X\", \"score\": 1.0, \"signature\": \"a:b\", \"verbose_score\": \"v "
            "\\\"q\\\"\", \"a\": \"b\"}");
}
