// A tiny but real run directory for report and attention tests: a SentencePiece model trained on
// the synthetic corpus, an untrained (Xavier-initialised) model saved as checkpoints/best.pt with
// save_model_file (the trainer's checkpoints are readable the same way), config.json, a metrics log
// in the trainer's format, and validation files named by the config. Costs about a second.
#pragma once

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "nmt/model/model_file.h"
#include "nmt/text/tokenizer.h"
#include "nmt/text/vocab_trainer.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"
#include "support/tiny_config.h"

namespace nmt::test {

struct TinyRunOptions {
  std::string arch = "transformer";       // transformer | rnn
  std::string positional = "sinusoidal";  // sinusoidal | learned | none
  bool metrics = true;                    // write metrics.jsonl
  bool checkpoint = true;                 // write checkpoints/best.pt
};

// Train events every 50 steps up to 600, validations every 200 (best BLEU 12.5 at step 400).
inline std::string tiny_metrics_jsonl() {
  std::string metrics;
  for (int step = 50; step <= 600; step += 50) {
    char line[400];
    std::snprintf(
        line, sizeof line,
        "{\"event\":\"train\",\"step\":%d,\"epoch\":1,\"loss\":%.3f,\"ppl\":%.3f,\"lr\":%.6f,"
        "\"tgt_tokens_per_s\":%d,\"elapsed_s\":%.1f}\n",
        step, 6.0 - step / 200.0, std::exp(6.0 - step / 200.0), 0.003 * step / 600, 4000 + step,
        step * 0.5);
    metrics += line;
    if (step % 200 == 0) {
      std::snprintf(
          line, sizeof line,
          "{\"event\":\"valid\",\"step\":%d,\"loss\":%.2f,\"ppl\":%.2f,\"bleu\":%.1f,\"chrf\":%.1f,"
          "\"signature\":\"nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0\"}\n",
          step, 5.0 - step / 300.0, std::exp(5.0 - step / 300.0), step == 400 ? 12.5 : 10.0,
          30.0 + step / 100.0);
      metrics += line;
    }
  }
  return metrics;
}

// Writes the run into `dir` (which must exist) and returns its config.
inline Config write_tiny_run(const std::string& dir, const TinyRunOptions& o = {}) {
  const auto pairs = synthetic_pairs(300, 12);
  std::vector<std::string> text, valid_src, valid_tgt;
  for (const auto& p : pairs) {
    text.push_back(p.first);
    text.push_back(p.second);
  }
  for (size_t i = 0; i < 5; ++i) {
    valid_src.push_back(pairs[i].first);
    valid_tgt.push_back(pairs[i].second);
  }
  VocabOptions vo;
  vo.prefix = dir + "/spm";
  vo.vocab_size = 100;
  vo.threads = 1;
  VectorSentenceSource source(text);
  train_vocab(vo, source);
  write_file(dir + "/valid.src", join_lines(valid_src));
  write_file(dir + "/valid.tgt", join_lines(valid_tgt));

  Config c;
  c.model = tiny_model_shape(o.arch);
  c.model.d_model = 16;
  c.model.heads = 2;
  c.model.ff = 32;
  c.model.positional = o.positional;
  c.data.valid_src = dir + "/valid.src";
  c.data.valid_tgt = dir + "/valid.tgt";
  c.data.vocab_size = vo.vocab_size;
  c.train.valid_beam = 2;
  c.decode.beam = 2;
  write_file(dir + "/config.json", to_json(c).dump(2) + "\n");
  if (o.metrics) write_file(dir + "/metrics.jsonl", tiny_metrics_jsonl());
  if (o.checkpoint) {
    ::mkdir((dir + "/checkpoints").c_str(), 0755);
    torch::manual_seed(1);
    const Tokenizer tok(dir + "/spm.model");
    const Seq2Seq model = make_model(c.model, tok.vocab_size(), tok.vocab_size());
    save_model_file(dir + "/checkpoints/best.pt", *model, c);
  }
  return c;
}

}  // namespace nmt::test
