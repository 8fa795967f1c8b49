#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model_test_util.h"
#include "nmt/model/positional_encoding.h"
#include "nmt/util/error.h"

using namespace nmt;
using nmt::test::max_diff;

TEST(PositionalEncoding, SinusoidsEqualTheFormula) {
  const int64_t dim = 10;
  const double base = 500.0;
  auto pe = PositionalEncodingImpl::sinusoids(/*offset=*/3, /*length=*/6, dim, base);
  ASSERT_EQ(pe.sizes(), (std::vector<int64_t>{6, dim}));
  for (int64_t t = 0; t < 6; ++t)
    for (int64_t i = 0; i < dim; ++i) {
      const double pos = 3 + t, angle = pos / std::pow(base, 2.0 * (i / 2) / dim);
      EXPECT_NEAR(pe[t][i].item<double>(), i % 2 == 0 ? std::sin(angle) : std::cos(angle), 1e-6);
    }
}

TEST(PositionalEncoding, AddScalesEmbeddingAndAddsTheSignal) {
  PositionalEncoding pos(PositionalEncodingOptions{8, "sinusoidal", "add", 10000.0, 16});
  auto x = torch::randn({2, 5, 8});
  auto y = pos(x, /*offset=*/4);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 8}));
  auto expected =
      x * std::sqrt(8.0) + PositionalEncodingImpl::sinusoids(4, 5, 8, 10000.0).unsqueeze(0);
  EXPECT_LT(max_diff(y, expected), 1e-5);
}

TEST(PositionalEncoding, ConcatProjectsTwoDBackToD) {
  PositionalEncoding pos(PositionalEncodingOptions{8, "learned", "concat", 10000.0, 16});
  auto x = torch::randn({2, 5, 8});
  auto y = pos(x, 0);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 8}));
  auto weight = pos->named_parameters()["projection.weight"];
  ASSERT_EQ(weight.sizes(), (std::vector<int64_t>{8, 16}));  // Linear [2D] -> [D]
  auto table =
      pos->named_parameters()["table.weight"].narrow(0, 0, 5).unsqueeze(0).expand({2, 5, 8});
  auto expected = torch::matmul(torch::cat({x * std::sqrt(8.0), table}, -1), weight.t());
  EXPECT_LT(max_diff(y, expected), 1e-5);
}

TEST(PositionalEncoding, NoneOnlyScales) {
  PositionalEncoding pos(PositionalEncodingOptions{8, "none", "concat", 10000.0, 16});
  auto x = torch::randn({1, 3, 8});
  EXPECT_LT(max_diff(pos(x, 7), x * std::sqrt(8.0)), 1e-6);
  EXPECT_TRUE(pos->parameters().empty());
}

TEST(PositionalEncoding, LearnedTableRejectsPositionsBeyondIt) {
  PositionalEncoding pos(PositionalEncodingOptions{8, "learned", "add", 10000.0, 4});
  EXPECT_NO_THROW(pos(torch::randn({1, 4, 8}), 0));
  EXPECT_THROW(pos(torch::randn({1, 1, 8}), 4), c10::Error);
}

TEST(PositionalEncoding, SinusoidsBeyondTheCachedTableStillWork) {
  PositionalEncoding pos(PositionalEncodingOptions{6, "sinusoidal", "add", 10000.0, 4});
  auto x = torch::zeros({1, 3, 6});
  EXPECT_LT(max_diff(pos(x, 10)[0], PositionalEncodingImpl::sinusoids(10, 3, 6, 10000.0)), 1e-6);
}

TEST(PositionalEncoding, UnknownKindIsAConfigError) {
  EXPECT_THROW(PositionalEncoding(PositionalEncodingOptions{8, "rotary", "add", 10000.0, 16}),
               ConfigError);
  EXPECT_THROW(PositionalEncoding(PositionalEncodingOptions{8, "learned", "mul", 10000.0, 16}),
               ConfigError);
}
