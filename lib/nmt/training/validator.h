// Validation during training: teacher-forced loss and perplexity over the whole validation set
// (fixed order), and BLEU / chrF of the model's translations of the validation sources
// (greedy, or beam search with train.valid_beam), detokenized and scored with nmt's
// sacreBLEU-compatible metrics against the raw reference lines.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/corpus/batch.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/tokenizer.h"

namespace nmt {

struct ValidationResult {
  double loss = 0.0;           // cross-entropy per target token (nats, no label smoothing)
  double ppl = 0.0;            // exp(loss)
  double bleu = 0.0;           // corpus BLEU of the translations, 0..100
  double chrf = 0.0;           // corpus chrF2, 0..100
  std::string bleu_signature;  // sacreBLEU signature of the BLEU score
  std::string chrf_signature;
  int64_t sentences = 0;                // validation pairs translated
  int64_t tgt_tokens = 0;               // target tokens the loss is over
  double seconds = 0.0;                 // wall-clock time of the whole validation
  std::vector<std::string> hypotheses;  // the detokenized translations, in input order
};

// The score train.early_stopping names ("bleu", "chrf": higher is better; "loss": lower is
// better), and whether `candidate` improves on `best` (any score improves on NaN).
double validation_score(const ValidationResult& result, const std::string& metric);
bool score_improves(double candidate, double best, const std::string& metric);

// A validation set, read and tokenized once.
struct ValidationSet {
  std::string name;                           // "val.en + val.de", for log lines
  std::vector<std::string> sources;           // raw source lines
  std::vector<std::string> references;        // raw reference lines
  std::vector<std::vector<int32_t>> src_ids;  // source pieces (no EOS)
  std::vector<std::vector<int32_t>> tgt_ids;  // reference pieces (no BOS/EOS)
};

// Reads two line-aligned files (plain or .gz) and tokenizes them. Throws DataError naming the
// file (and line) when one is missing, their line counts differ, or a line is invalid UTF-8.
ValidationSet read_validation_set(const std::string& src_path, const std::string& tgt_path,
                                  const Tokenizer& src_tokenizer, const Tokenizer& tgt_tokenizer);

struct ValidatorOptions {
  int64_t beam = 1;             // 1 = greedy; else beam search (train.valid_beam)
  DecodeConfig decode;          // length penalty and length limits of the translations
  int64_t batch_tokens = 4096;  // token budget of loss and translation batches (padding counted)
};

class Validator {
 public:
  // Builds the fixed loss batches (pairs sorted by length). Pairs whose source or target does not
  // fit the model's positional table (max_positions) are left out of the loss (and counted).
  Validator(ValidationSet set, const Tokenizer& tgt_tokenizer, ValidatorOptions options,
            int64_t max_positions);

  // Evaluates `model` on `device` in `precision` (kFloat32 or kBFloat16 autocast); the model is
  // left in eval mode (the trainer switches it back).
  ValidationResult run(const Seq2Seq& model, const torch::Device& device,
                       torch::ScalarType precision);

  const ValidationSet& set() const { return set_; }
  int64_t skipped_pairs() const { return skipped_; }

 private:
  double teacher_forced_nll(Seq2SeqImpl& model, const torch::Device& device,
                            torch::ScalarType precision, int64_t& tokens);
  std::vector<std::string> translate(const Seq2Seq& model, const torch::Device& device,
                                     torch::ScalarType precision);

  ValidationSet set_;
  const Tokenizer& tgt_tokenizer_;
  ValidatorOptions options_;
  std::vector<Batch> batches_;
  int64_t skipped_ = 0;
};

}  // namespace nmt
