// int8 Linears (model/int8_gemm.h, model/linear.h): the GEMM against float, rows independent of
// their batch, and a quantized model that saves and loads without its float weights.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "model/model_test_util.h"
#include "nmt/model/int8_gemm.h"
#include "nmt/model/linear.h"
#include "nmt/model/model_file.h"
#include "nmt/util/error.h"

using namespace nmt;
using namespace nmt::test;

#define SKIP_WITHOUT_INT8()                                                    \
  if (!int8_gemm_available()) GTEST_SKIP() << int8_gemm_unavailable_reason();

TEST(Int8, QuantizedRowsReconstructWithinHalfAStep) {
  torch::manual_seed(1);
  auto w = torch::randn({7, 33});
  w[3].zero_();
  auto [q, scale] = quantize_rows_int8(w);
  ASSERT_EQ(q.scalar_type(), torch::kInt8);
  EXPECT_EQ(scale[3].item<float>(), 1.0f);  // a zero row
  auto back = q.to(torch::kFloat) * scale.unsqueeze(1);
  EXPECT_LE(((back - w).abs() / scale.unsqueeze(1)).max().item<float>(), 0.5f + 1e-5f);
  EXPECT_EQ(q.abs().amax(1)[0].item<int8_t>(), 127);  // the row's largest value is +-127
}

TEST(Int8, GemmIsCloseToTheFloatProduct) {
  SKIP_WITHOUT_INT8();
  torch::manual_seed(2);
  for (int64_t rows : {1, 2, 5, 40, 300}) {
    auto w = torch::randn({48, 64}), b = torch::randn({48});
    auto x = torch::randn({rows, 64});
    auto [q, scale] = quantize_rows_int8(w);
    Int8Gemm gemm(q, scale, b);
    auto y = gemm.forward(x);
    auto want = torch::nn::functional::linear(x, w, b);
    ASSERT_EQ(y.sizes(), want.sizes());
    // Two 8-bit roundings: errors of ~1% of the output's scale.
    const float err = (y - want).abs().max().item<float>(), range = want.abs().max().item<float>();
    EXPECT_LT(err, 0.03f * range) << rows << " rows, " << gemm.implementation(rows);
    // bfloat16 inputs go through the same kernel.
    auto yb = gemm.forward(x.to(torch::kBFloat16));
    EXPECT_LT((yb - want).abs().max().item<float>(), 0.05f * range);
  }
}

TEST(Int8, ARowOutputDoesNotDependOnItsBatch) {
  SKIP_WITHOUT_INT8();
  torch::manual_seed(3);
  auto w = torch::randn({40, 32});
  auto [q, scale] = quantize_rows_int8(w);
  Int8Gemm gemm(q, scale, torch::randn({40}));
  auto x = torch::randn({600, 32}) * torch::rand({600, 1}) * 10;  // rows of very different ranges
  const auto all = gemm.forward(x);
  // Batch sizes on both sides of the kernels' row buckets.
  for (int64_t rows : {1, 3, 17, 33, 129, 600}) {
    const auto part = gemm.forward(x.narrow(0, 0, rows));
    EXPECT_TRUE(part.equal(all.narrow(0, 0, rows))) << rows;
  }
  EXPECT_TRUE(gemm.forward(x[5]).equal(all[5]));  // a single vector, [K] -> [N]
}

TEST(Int8, QuantizedModelIsCloseToFloatAndRoundTripsThroughItsFile) {
  SKIP_WITHOUT_INT8();
  for (bool tied : {true, false}) {
    torch::manual_seed(4);
    ModelConfig c = tiny_config();
    c.tie_embeddings = tied;
    Seq2Seq model = make_model(c, kTinyVocab, kTinyVocab);
    model->eval();
    torch::NoGradGuard no_grad;
    const auto src = padded_sources(), tgt = target_inputs(3, 6);
    const auto want = full_log_probs(*model, src, tgt);
    const auto dir = std::filesystem::temp_directory_path() / ("nmt_int8_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    save_model_file((dir / "float.pt").string(), *model, Config{});

    model->quantize_int8();
    ASSERT_TRUE(model->is_int8());
    const auto got = full_log_probs(*model, src, tgt);
    EXPECT_LT((got.exp() - want.exp()).abs().max().item<float>(), 0.05f) << "tied " << tied;
    EXPECT_GT(got.argmax(-1).eq(want.argmax(-1)).to(torch::kFloat).mean().item<float>(), 0.8f);

    save_model_file((dir / "int8.pt").string(), *model, Config{});
    LoadedModel loaded = load_model_file((dir / "int8.pt").string());
    ASSERT_TRUE(loaded.model->is_int8());
    loaded.model->eval();
    EXPECT_TRUE(full_log_probs(*loaded.model, src, tgt).equal(got));
    // The float weights of the Linears are not in the file.
    EXPECT_LT(std::filesystem::file_size(dir / "int8.pt"),
              std::filesystem::file_size(dir / "float.pt") * 3 / 4);
    std::filesystem::remove_all(dir);
  }
}

TEST(Int8, WithoutKernelsQuantizingIsAClearError) {
  if (int8_gemm_available()) GTEST_SKIP() << "this build has int8 kernels";
  Seq2Seq model = make_model(tiny_config(), kTinyVocab, kTinyVocab);
  try {
    model->quantize_int8();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("int8 decoding is not available here"), std::string::npos)
        << e.what();
  }
}
