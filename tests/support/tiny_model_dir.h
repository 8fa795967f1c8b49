// A complete exported model directory for decoding and CLI tests, built in a few seconds:
// a SentencePiece model trained on the synthetic corpus, a tiny transformer saved with
// save_model_file, and the resolved config.json. With random (seeded) weights the translations
// are nonsense, but every property that holds for any model (order, line count, batch
// independence, score consistency) can be tested on it. With train_steps > 0 the transformer is
// first trained (plain LibTorch Adam; the Trainer lives in a later layer) on the synthetic
// word-by-word EN->DE pairs, which gives the peaked distributions of a real model: the setting
// where beam search must beat greedy and scores must round-trip through text.
#pragma once

#include <torch/torch.h>

#include <fstream>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/decoding/search.h"
#include "nmt/model/model_file.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/tokenizer.h"
#include "nmt/text/vocab_trainer.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"
#include "support/tiny_config.h"

namespace nmt::test {

// The config of the tiny test model (1+1 layers, d_model 32; max_positions 64).
inline Config tiny_model_config() {
  Config c;
  c.model = tiny_model_shape();
  c.model.heads = 2;
  c.model.encoder_layers = 1;
  c.model.decoder_layers = 1;
  c.decode.beam = 3;
  c.decode.batch_tokens = 200;
  c.decode.precision = "fp32";
  return c;
}

// Teacher-forced cross-entropy training of `model` on synthetic EN->DE pairs for `steps` Adam
// steps of 32 sentences (about 2 s for the tiny config on one core).
inline void train_on_synthetic_pairs(Seq2SeqImpl& model, const Tokenizer& tokenizer, int steps,
                                     uint64_t seed) {
  std::vector<std::vector<int64_t>> sources, targets;
  for (const auto& [src, tgt] : synthetic_pairs(4000, 8, static_cast<uint32_t>(seed) + 100)) {
    const auto s = tokenizer.encode(src), t = tokenizer.encode(tgt);
    sources.emplace_back(s.begin(), s.end());
    targets.emplace_back(t.begin(), t.end());
  }
  const int64_t vocab = model.tgt_vocab_size();
  model.train();
  torch::optim::Adam adam(model.parameters(), torch::optim::AdamOptions(3e-3).betas({0.9, 0.98}));
  constexpr size_t kBatch = 32;
  for (int step = 0; step < steps; ++step) {
    std::vector<const std::vector<int64_t>*> src_rows, tgt_rows;
    for (size_t k = 0; k < kBatch; ++k) {
      const size_t i = (static_cast<size_t>(step) * kBatch + k) % sources.size();
      src_rows.push_back(&sources[i]);
      tgt_rows.push_back(&targets[i]);
    }
    const torch::Tensor src = make_source_batch(src_rows, torch::kCPU);  // [B, S]: ids, EOS, pad
    const torch::Tensor tgt = make_source_batch(tgt_rows, torch::kCPU);  // [B, T]: ids, EOS, pad
    // [B, T]: BOS then the target shifted right; the EOS of shorter rows becomes padding.
    torch::Tensor tgt_in = torch::cat({torch::full({tgt.size(0), 1}, kBosId, torch::kLong),
                                       tgt.narrow(/*dim=*/1, 0, tgt.size(1) - 1)},
                                      /*dim=*/1);
    tgt_in.masked_fill_(tgt_in.eq(kEosId), kPadId);
    const torch::Tensor logits = model.forward(src, tgt_in);  // [B, T, V]
    const torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits.reshape({-1, vocab}), tgt.reshape({-1}),  // [B*T, V], [B*T]
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kPadId));
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  model.eval();
}

// Writes DIR/spm.model, DIR/spm.vocab, DIR/model.pt and DIR/config.json. Random weights are
// scaled by `sharpen` (> 1 makes random models more decisive, which keeps near-ties between
// tokens, and with them float-rounding flips, out of equality tests). train_steps > 0 trains the
// model instead (see train_on_synthetic_pairs; `sharpen` is then not applied).
inline void make_tiny_model_dir(const std::string& dir, uint64_t seed = 1, double sharpen = 3.0,
                                int train_steps = 0) {
  std::vector<std::string> lines;
  for (const auto& [src, tgt] : synthetic_pairs(300, 12, 11)) {
    lines.push_back(src);
    lines.push_back(tgt);
  }
  VocabOptions vocab;
  vocab.prefix = dir + "/spm";
  vocab.vocab_size = 120;
  vocab.threads = 1;
  VectorSentenceSource source(lines);
  train_vocab(vocab, source);

  const Config config = tiny_model_config();
  torch::manual_seed(seed);
  Seq2Seq model = make_model(config.model, 120, 120);
  if (train_steps > 0) {
    train_on_synthetic_pairs(*model, Tokenizer(dir + "/spm.model"), train_steps, seed);
  } else {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.mul_(sharpen);
  }
  save_model_file(dir + "/model.pt", *model, config);
  std::ofstream(dir + "/config.json") << to_json(config).dump(2) << "\n";
}

}  // namespace nmt::test
