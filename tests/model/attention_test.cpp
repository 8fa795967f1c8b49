#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model_test_util.h"
#include "nmt/model/attention_scores.h"
#include "nmt/model/multi_head_attention.h"

using namespace nmt;
using nmt::test::max_diff;

namespace {

constexpr int64_t B = 2, H = 2, T = 3, S = 4, K = 3;

// The score of one (query, key) pair for head h, written out from the textbook formulas with plain
// loops in double precision, independently of the module's tensor code.
double reference_score(const std::string& kind, AttentionScoresImpl& m, const torch::Tensor& q,
                       const torch::Tensor& k, int64_t h) {
  auto qa = q.accessor<double, 1>();
  auto ka = k.accessor<double, 1>();
  auto param = [&](const char* name) { return m.named_parameters()[name].to(torch::kDouble)[h]; };
  double s = 0;
  if (kind == "scaled_dot" || kind == "dot") {
    for (int64_t d = 0; d < K; ++d) s += qa[d] * ka[d];
    if (kind == "scaled_dot") s /= std::sqrt(static_cast<double>(K));
  } else if (kind == "general") {  // q^T W k
    auto w = param("weight");
    auto wa = w.accessor<double, 2>();
    for (int64_t d = 0; d < K; ++d)
      for (int64_t e = 0; e < K; ++e) s += qa[d] * wa[d][e] * ka[e];
  } else {  // v^T tanh(W q + U k)
    auto w = param("query_weight"), u = param("key_weight"), v = param("vector");
    auto wa = w.accessor<double, 2>(), ua = u.accessor<double, 2>();
    auto va = v.accessor<double, 1>();
    for (int64_t e = 0; e < K; ++e) {
      double pre = 0;
      for (int64_t d = 0; d < K; ++d) pre += wa[e][d] * qa[d] + ua[e][d] * ka[d];
      s += va[e] * std::tanh(pre);
    }
  }
  return s;
}

class AttentionScoresKinds : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(AttentionScoresKinds, EqualsTheFormulaAndMasksExactly) {
  torch::manual_seed(7);
  const std::string kind = GetParam();
  AttentionScores scorer(AttentionScoresOptions{kind, H, K, 0.0});
  auto q = torch::randn({B, H, T, K}), k = torch::randn({B, H, S, K}),
       v = torch::randn({B, H, S, K});
  // Row 1 has its last key padded; query t of row 0 also may not see keys > t + 1 (a causal-like
  // mask).
  auto pad = torch::zeros({B, S}, torch::kBool);
  pad[1][S - 1] = true;
  auto bias = padding_bias(pad) + torch::full({T, S}, kMaskedScore).triu(2).view({1, 1, T, S});
  auto allowed = [&](int64_t b, int64_t t, int64_t s) {
    return !(b == 1 && s == S - 1) && s <= t + 1;
  };

  torch::Tensor weights;
  auto out = scorer->forward(q, scorer->prepare_keys(k), v, bias, &weights);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{B, H, T, K}));
  ASSERT_EQ(weights.sizes(), (std::vector<int64_t>{B, H, T, S}));
  EXPECT_LT(max_diff(weights.sum(-1), torch::ones({B, H, T})), 1e-6);

  auto qd = q.to(torch::kDouble), kd = k.to(torch::kDouble), vd = v.to(torch::kDouble);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t t = 0; t < T; ++t) {
        std::vector<double> w(S, 0.0);
        double max = -INFINITY, total = 0;
        for (int64_t s = 0; s < S; ++s)
          if (allowed(b, t, s))
            max = std::max(max, reference_score(kind, *scorer, qd[b][h][t], kd[b][h][s], h));
        for (int64_t s = 0; s < S; ++s)
          if (allowed(b, t, s))
            total += w[s] =
                std::exp(reference_score(kind, *scorer, qd[b][h][t], kd[b][h][s], h) - max);
        for (int64_t s = 0; s < S; ++s) {
          const double got = weights[b][h][t][s].item<double>();
          if (!allowed(b, t, s)) {
            EXPECT_EQ(got, 0.0) << "masked key " << s << " got weight";
          }
          EXPECT_NEAR(got, w[s] / total, 1e-6)
              << kind << " b" << b << " h" << h << " t" << t << " s" << s;
        }
        for (int64_t d = 0; d < K; ++d) {
          double expected = 0;
          for (int64_t s = 0; s < S; ++s) expected += w[s] / total * vd[b][h][s][d].item<double>();
          EXPECT_NEAR(out[b][h][t][d].item<double>(), expected, 1e-5);
        }
      }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, AttentionScoresKinds,
                         ::testing::Values("scaled_dot", "dot", "general", "additive"));

TEST(AttentionScores, FullyMaskedRowGivesNoNaN) {
  AttentionScores scorer(AttentionScoresOptions{"scaled_dot", 1, 4, 0.0});
  auto q = torch::randn({1, 1, 2, 4}), k = torch::randn({1, 1, 3, 4});
  torch::Tensor w;
  auto out = scorer->forward(q, k, k, padding_bias(torch::ones({1, 3}, torch::kBool)), &w);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(AttentionScores, DropoutOnlyInTraining) {
  AttentionScores scorer(AttentionScoresOptions{"scaled_dot", 1, 4, 0.5});
  auto q = torch::randn({1, 1, 5, 4}), k = torch::randn({1, 1, 6, 4});
  scorer->eval();
  auto a = scorer->forward(q, k, k, {}), b = scorer->forward(q, k, k, {});
  EXPECT_TRUE(a.equal(b));
  scorer->train();
  EXPECT_GT(max_diff(scorer->forward(q, k, k, {}), a), 1e-3);
}

TEST(MultiHeadAttention, FusedProjectionsEqualSeparateHeads) {
  // Self-attention with fused QKV equals the per-head textbook computation with slices of in_proj.
  torch::manual_seed(3);
  const int64_t d = 8, heads = 2, dk = 4, t = 5;
  MultiHeadAttention mha(MultiHeadAttentionOptions{d, heads, "scaled_dot", 0.0, true});
  auto x = torch::randn({1, t, d});
  auto out = mha->self_attend(x, {});
  auto params = mha->named_parameters();
  auto w = params["in_proj.weight"], bias = params["in_proj.bias"];
  std::vector<torch::Tensor> heads_out;
  for (int64_t h = 0; h < heads; ++h) {
    auto proj = [&](int64_t block) {
      const int64_t row = block * d + h * dk;
      return torch::matmul(x[0], w.narrow(0, row, dk).t()) + bias.narrow(0, row, dk);  // [t, dk]
    };
    auto q = proj(0), k = proj(1), v = proj(2);
    heads_out.push_back(
        torch::matmul(torch::softmax(torch::matmul(q, k.t()) / std::sqrt(double(dk)), -1), v));
  }
  auto expected = torch::matmul(torch::cat(heads_out, 1), params["out_proj.weight"].t()) +
                  params["out_proj.bias"];
  EXPECT_LT(max_diff(out[0], expected), 1e-5);
}

TEST(MultiHeadAttention, CachedSelfAttentionEqualsFullCausal) {
  torch::manual_seed(4);
  MultiHeadAttention mha(MultiHeadAttentionOptions{16, 4, "additive", 0.0, true});
  auto x = torch::randn({2, 6, 16});
  auto full = mha->self_attend(x, causal_bias(6, x.device()));
  torch::Tensor keys, values;
  for (int64_t t = 0; t < 6; ++t) {
    auto step = mha->self_attend(x.narrow(1, t, 1), {}, &keys, &values);
    EXPECT_LT(max_diff(step.squeeze(1), full.select(1, t)), 1e-5) << "position " << t;
  }
  EXPECT_EQ(keys.sizes(), (std::vector<int64_t>{2, 4, 6, 4}));
}
