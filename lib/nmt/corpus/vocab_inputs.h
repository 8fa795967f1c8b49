// Training a SentencePiece vocabulary from corpus files: reads plain or .gz files, validates
// them, samples sentences uniformly, and hands the sample to train_vocab (text/vocab_trainer.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/text/vocab_trainer.h"

namespace nmt {

struct VocabInputs {
  std::vector<std::string> files;  // plain or gzip; a line with a TAB is a TSV pair, see `column`
  int column = -1;                 // for TSV lines: -1 = every field is a sentence, 0 = the first
                                   // (source) only, 1 = the second (target) only
  int64_t sample = 2000000;        // sentences drawn uniformly over all files (0 = all of them)
  uint64_t seed = 1234;            // the draw's seed: the same inputs and seed give the same model
};

// Reads every input (lines with invalid UTF-8 and empty lines are skipped and counted), draws
// the sample (reservoir sampling: one pass, memory bounded by the sample), and trains. Throws
// DataError naming a missing or unreadable input before any training starts.
void train_vocab_on_files(const VocabInputs& inputs, const VocabOptions& options);

}  // namespace nmt
