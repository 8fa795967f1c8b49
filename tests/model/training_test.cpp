// A tiny model must be able to fit a handful of sentence pairs: the end-to-end proof that the
// forward pass, the gradients and the parameter registration all work together.
#include <gtest/gtest.h>

#include <string>

#include "model_test_util.h"
#include "nmt/model/seq2seq.h"

using namespace nmt;
using namespace nmt::test;

namespace {

// Trains on 6 fixed pairs (each target a permutation of its source) with Adam; returns the last
// loss (token-level cross-entropy, padding ignored) and the number of steps taken.
std::pair<double, int> memorize(const ModelConfig& config, int max_steps) {
  torch::manual_seed(5);
  auto model = make_model(config, kTinyVocab, kTinyVocab);
  model->train();
  const int64_t rows = 6, len = 7;
  auto src = random_tokens(rows, len);
  src.select(1, len - 1).fill_(kEosId);
  src[4].narrow(0, 4, 3).fill_(kPadId);  // a shorter sentence
  src[4][3] = kEosId;
  auto gold = src.flip(1).clone();  // reversed source, pads and EOS put back at the end
  gold.select(1, 0).copy_(src.select(1, len - 2));
  auto tgt_out = torch::cat(
      {src.narrow(1, 0, len - 1).flip(1), torch::full({rows, 1}, kEosId, torch::kLong)}, 1);
  tgt_out[4] = torch::tensor({src[4][2].item<int64_t>(), src[4][1].item<int64_t>(),
                              src[4][0].item<int64_t>(), kEosId, kPadId, kPadId, kPadId});
  auto tgt_in =
      torch::cat({torch::full({rows, 1}, kBosId, torch::kLong), tgt_out.narrow(1, 0, len - 1)}, 1);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(3e-3));
  double loss_value = 1e9;
  int step = 0;
  for (; step < max_steps && loss_value > 0.05; ++step) {
    adam.zero_grad();
    auto logits = model->forward(src, tgt_in);
    auto loss = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), tgt_out.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kPadId));
    loss.backward();
    adam.step();
    loss_value = loss.item<double>();
  }
  return {loss_value, step};
}

}  // namespace

TEST(Training, TinyTransformerMemorizesPairs) {
  auto [loss, steps] = memorize(tiny_config("transformer"), 300);
  EXPECT_LT(loss, 0.05) << "after " << steps << " steps";
}

TEST(Training, TinyRnnMemorizesPairs) {
  auto [loss, steps] = memorize(tiny_config("rnn"), 300);
  EXPECT_LT(loss, 0.05) << "after " << steps << " steps";
}
