// A complete exported model directory for decoding and CLI tests, built in a few seconds:
// a SentencePiece model trained on the synthetic corpus, a tiny transformer with random
// (seeded) weights saved with save_model_file, and the resolved config.json. Random weights
// make nonsense translations, but every property that holds for any model (order, line count,
// batch independence, score consistency) can be tested on it.
#pragma once

#include <torch/torch.h>

#include <fstream>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/model/model_file.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/vocab_trainer.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt::test {

// The config of the tiny test model (1+1 layers, d_model 32; max_positions 64).
inline Config tiny_model_config() {
  Config c;
  c.model.d_model = 32;
  c.model.heads = 2;
  c.model.ff = 64;
  c.model.encoder_layers = 1;
  c.model.decoder_layers = 1;
  c.model.dropout = 0.0;
  c.model.max_positions = 64;
  c.decode.beam = 3;
  c.decode.batch_tokens = 200;
  c.decode.precision = "fp32";
  return c;
}

class VectorSource : public SentenceSource {
 public:
  explicit VectorSource(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  bool next(std::string& s) override {
    if (i_ == lines_.size()) return false;
    s = lines_[i_++];
    return true;
  }

 private:
  std::vector<std::string> lines_;
  size_t i_ = 0;
};

// Writes DIR/spm.model, DIR/spm.vocab, DIR/model.pt and DIR/config.json. The model's weights are
// scaled by `sharpen` (> 1 makes random models more decisive, which keeps near-ties between
// tokens, and with them float-rounding flips, out of equality tests).
inline void make_tiny_model_dir(const std::string& dir, uint64_t seed = 1, double sharpen = 3.0) {
  std::vector<std::string> lines;
  for (const auto& [src, tgt] : synthetic_pairs(300, 12, 11)) {
    lines.push_back(src);
    lines.push_back(tgt);
  }
  VocabOptions vocab;
  vocab.prefix = dir + "/spm";
  vocab.vocab_size = 120;
  vocab.threads = 1;
  VectorSource source(lines);
  train_vocab(vocab, source);

  const Config config = tiny_model_config();
  torch::manual_seed(seed);
  Seq2Seq model = make_model(config.model, 120, 120);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.mul_(sharpen);
  }
  save_model_file(dir + "/model.pt", *model, config);
  std::ofstream(dir + "/config.json") << to_json(config).dump(2) << "\n";
}

}  // namespace nmt::test
