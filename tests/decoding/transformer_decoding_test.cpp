// The searches driving a real (tiny) transformer through the incremental API: equalities that
// hold for any weights (random ones), and on a model trained inside the test on a synthetic
// reversal task, that beam search finds better-scoring outputs than greedy.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "decoding/random_transformer.h"
#include "decoding/test_sources.h"
#include "nmt/config/special_ids.h"
#include "nmt/decoding/beam_search.h"
#include "nmt/decoding/forced_decoding.h"
#include "nmt/decoding/greedy_search.h"
#include "nmt/decoding/search.h"
#include "nmt/util/system.h"
#include "nmt/decoding/translator.h"
#include "nmt/model/int8_gemm.h"
#include "nmt/model/seq2seq.h"
#include "support/tiny_config.h"

using namespace nmt;
using namespace nmt::test;

namespace {

constexpr int64_t kVocab = 24;
// Random weights x3 give logits in the hundreds, where float32 rounding differs by up to ~1e-3
// between batch shapes and between the incremental and the teacher-forced pass (measured after
// the model layer's LayerNorm/dropout changes). The 1e-4 agreement the issue asks for is checked
// on a trained model (test_cli TrainedModelCli).
constexpr double kRandomTol = 2e-3;

}  // namespace

TEST(TransformerDecoding, BeamOneEqualsGreedy) {
  Seq2Seq model = random_model(1, kVocab);
  SearchOptions o;
  o.beam = 1;
  const torch::Tensor src = batch_of(random_sources(12, kVocab, 2, 15));
  const auto greedy = greedy_search(*model, src, o);
  const auto beam = beam_search(*model, src, o);
  for (size_t i = 0; i < greedy.size(); ++i) {
    EXPECT_EQ(beam[i][0].tokens, greedy[i].tokens) << i;
    EXPECT_NEAR(beam[i][0].log_prob, greedy[i].log_prob, 1e-4) << i;
  }
}

TEST(TransformerDecoding, ScoresEqualForcedDecoding) {
  Seq2Seq model = random_model(3, kVocab);
  SearchOptions o;
  o.beam = 4;
  o.nbest = 4;
  const auto sources = random_sources(8, kVocab, 4, 12);
  const auto beam = beam_search(*model, batch_of(sources), o);
  std::vector<std::vector<int64_t>> rows, targets;
  std::vector<const Hypothesis*> hyps;
  for (size_t i = 0; i < sources.size(); ++i)
    for (const auto& h : beam[i]) {
      rows.push_back(sources[i]);
      targets.push_back(h.tokens);
      hyps.push_back(&h);
    }
  const auto forced = score_targets(*model, batch_of(rows), targets);
  for (size_t n = 0; n < hyps.size(); ++n) {
    EXPECT_NEAR(forced[n].log_prob, hyps[n]->log_prob, kRandomTol) << n;
    for (size_t t = 0; t < targets[n].size(); ++t)
      EXPECT_NEAR(forced[n].token_log_probs[t], hyps[n]->token_log_probs[t], kRandomTol)
          << n << ":" << t;
  }
}

TEST(TransformerDecoding, SentenceAloneEqualsSentenceInAPaddedBatch) {
  Seq2Seq model = random_model(5, kVocab);
  SearchOptions o;
  o.beam = 3;
  o.keep_attention = true;
  // Very different lengths, so most rows carry a lot of padding.
  auto sources = random_sources(20, kVocab, 6, 40);
  sources[3] = {5};
  const auto together = beam_search(*model, batch_of(sources), o);
  const auto greedy_together = greedy_search(*model, batch_of(sources), o);
  for (size_t i = 0; i < sources.size(); i += 2) {
    const auto alone = beam_search(*model, batch_of({sources[i]}), o);
    EXPECT_EQ(alone[0][0].tokens, together[i][0].tokens) << i;
    EXPECT_NEAR(alone[0][0].log_prob, together[i][0].log_prob, kRandomTol) << i;
    ASSERT_EQ(alone[0][0].attention.sizes(), together[i][0].attention.sizes());
    EXPECT_TRUE(torch::allclose(alone[0][0].attention, together[i][0].attention, /*rtol=*/1e-2,
                                /*atol=*/1e-3))
        << i;
    const auto greedy_alone = greedy_search(*model, batch_of({sources[i]}), o);
    EXPECT_EQ(greedy_alone[0].tokens, greedy_together[i].tokens) << i;
  }
}

TEST(TransformerDecoding, Bf16DecodingReturnsFloatScoresCloseToForcedDecoding) {
  Seq2Seq model = random_model(7, kVocab);
  model->to(torch::kBFloat16);
  SearchOptions o;
  o.beam = 3;
  const auto sources = random_sources(6, kVocab, 8, 10);
  const auto beam = beam_search(*model, batch_of(sources), o);
  std::vector<std::vector<int64_t>> targets;
  for (const auto& list : beam) targets.push_back(list[0].tokens);
  const auto forced = score_targets(*model, batch_of(sources), targets);
  // bf16 keeps 8 bits of mantissa: the incremental and teacher-forced passes round differently.
  // Where the CPU has no bf16 instructions, LibTorch's fallback kernels round more (seen on an
  // AVX2-only host: 2.66 nats over 24 tokens), so the bound per token is wider there.
  const double per_token = nmt::bf16_is_fast("cpu") ? 0.1 : 0.2;
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_TRUE(std::isfinite(beam[i][0].log_prob));
    EXPECT_NEAR(forced[i].log_prob, beam[i][0].log_prob, per_token * targets[i].size() + 0.1) << i;
  }
}

namespace {

// A tiny transformer taught to reverse sequences for a few hundred Adam steps, in eval mode.
Seq2Seq trained_reversal_model() {
  torch::manual_seed(11);
  ModelConfig c = tiny_model_shape();
  c.encoder_layers = c.decoder_layers = 1;
  Seq2Seq model = make_model(c, kVocab, kVocab);
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(3e-3).betas({0.9, 0.98}));
  std::mt19937_64 gen(12);
  for (int step = 0; step < 300; ++step) {
    const auto sources = random_sources(32, kVocab, gen(), 8);
    std::vector<std::vector<int64_t>> reversed;
    for (const auto& s : sources) reversed.emplace_back(s.rbegin(), s.rend());
    const torch::Tensor src = batch_of(sources);  // [B, S]
    torch::Tensor tgt = batch_of(reversed);       // [B, T]: reversed + EOS, padded
    torch::Tensor tgt_in = torch::cat(
        {torch::full({tgt.size(0), 1}, kBosId, torch::kLong), tgt.narrow(1, 0, tgt.size(1) - 1)},
        1);  // [B, T]
    tgt_in.masked_fill_(tgt_in.eq(kEosId), kPadId);
    const torch::Tensor logits = model->forward(src, tgt_in);  // [B, T, V]
    const torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits.reshape({-1, kVocab}), tgt.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kPadId));
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  model->eval();
  return model;
}

}  // namespace

TEST(TransformerDecoding, TrainedModelBeamScoresAtLeastGreedyOnAverage) {
  // Compare searches on held-out inputs.
  Seq2Seq model = trained_reversal_model();

  const auto test = random_sources(60, kVocab, 99, 8);
  SearchOptions o;
  o.length_penalty = {LengthPenaltyType::none, 0.0};
  o.beam = 5;
  const auto greedy = greedy_search(*model, batch_of(test), o);
  const auto beam = beam_search(*model, batch_of(test), o);
  double greedy_sum = 0, beam_sum = 0;
  int correct = 0, beam_better = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    greedy_sum += greedy[i].score;
    beam_sum += beam[i][0].score;
    beam_better += beam[i][0].score > greedy[i].score + 1e-6;
    std::vector<int64_t> want(test[i].rbegin(), test[i].rend());
    correct += greedy[i].output_tokens() == want;
  }
  std::cout << "reversal task: greedy exact " << correct << "/" << test.size()
            << ", mean score greedy " << greedy_sum / test.size() << " beam "
            << beam_sum / test.size() << " (beam better on " << beam_better << ")\n";
  EXPECT_GT(correct, static_cast<int>(test.size()) / 3);  // it learned something
  EXPECT_GE(beam_sum, greedy_sum - 1e-6);
}

TEST(TransformerDecoding, Int8SentenceAloneEqualsSentenceInABatch) {
  if (!int8_gemm_available()) GTEST_SKIP() << int8_gemm_unavailable_reason();
  Seq2Seq model = random_model(5, kVocab);
  model->quantize_int8();
  SearchOptions o;
  o.beam = 3;
  auto sources = random_sources(20, kVocab, 6, 40);
  sources[3] = {5};
  const auto together = beam_search(*model, batch_of(sources), o);
  const auto greedy_together = greedy_search(*model, batch_of(sources), o);
  for (size_t i = 0; i < sources.size(); i += 2) {
    const auto alone = beam_search(*model, batch_of({sources[i]}), o);
    EXPECT_EQ(alone[0][0].tokens, together[i][0].tokens) << i;
    EXPECT_NEAR(alone[0][0].log_prob, together[i][0].log_prob, kRandomTol) << i;
    const auto greedy_alone = greedy_search(*model, batch_of({sources[i]}), o);
    EXPECT_EQ(greedy_alone[0].tokens, greedy_together[i].tokens) << i;
  }
}

TEST(TransformerDecoding, Int8TranslationsOfATrainedModelAgreeWithFloat) {
  if (!int8_gemm_available()) GTEST_SKIP() << int8_gemm_unavailable_reason();
  Seq2Seq model = trained_reversal_model();
  const auto test = random_sources(60, kVocab, 99, 8);
  SearchOptions o;
  o.beam = 5;
  const auto float_beam = beam_search(*model, batch_of(test), o);
  const auto float_greedy = greedy_search(*model, batch_of(test), o);
  model->quantize_int8();
  const auto int8_beam = beam_search(*model, batch_of(test), o);
  const auto int8_greedy = greedy_search(*model, batch_of(test), o);
  int same_beam = 0, same_greedy = 0;
  double diff = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    same_beam += int8_beam[i][0].tokens == float_beam[i][0].tokens;
    same_greedy += int8_greedy[i].tokens == float_greedy[i].tokens;
    diff += std::abs(int8_beam[i][0].score - float_beam[i][0].score);
  }
  std::cout << "int8 vs float: beam " << same_beam << "/" << test.size() << " identical, greedy "
            << same_greedy << "/" << test.size() << ", mean |score difference| "
            << diff / test.size() << "\n";
  EXPECT_GE(same_beam, static_cast<int>(test.size()) * 8 / 10);
  EXPECT_GE(same_greedy, static_cast<int>(test.size()) * 8 / 10);
  EXPECT_LT(diff / test.size(), 0.1);
}

// The same searches drive the RNN through the same interface: nothing in decoding asks which
// architecture it runs.
TEST(RnnDecoding, BeamOneEqualsGreedyScoresEqualForcedDecodingAndBatchesDoNotMatter) {
  ModelConfig c = tiny_model_shape();
  c.arch = "rnn";
  c.encoder_layers = c.decoder_layers = 1;
  torch::manual_seed(13);
  Seq2Seq model = make_model(c, kVocab, kVocab);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.mul_(3.0);
  }
  model->eval();
  const auto sources = random_sources(10, kVocab, 14, 20);
  SearchOptions o;
  o.beam = 1;
  const auto greedy = greedy_search(*model, batch_of(sources), o);
  const auto beam1 = beam_search(*model, batch_of(sources), o);
  o.beam = 3;
  const auto beam3 = beam_search(*model, batch_of(sources), o);
  std::vector<std::vector<int64_t>> targets;
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_EQ(beam1[i][0].tokens, greedy[i].tokens) << i;
    targets.push_back(beam3[i][0].tokens);
  }
  const auto forced = score_targets(*model, batch_of(sources), targets);
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_NEAR(forced[i].log_prob, beam3[i][0].log_prob, kRandomTol) << i;
    const auto alone = beam_search(*model, batch_of({sources[i]}), o);
    EXPECT_EQ(alone[0][0].tokens, beam3[i][0].tokens) << i;
  }
}
