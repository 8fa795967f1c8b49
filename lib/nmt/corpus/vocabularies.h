// The SentencePiece model(s) of a run: one joint model for both sides (spm.model), or one per
// side (spm.src.model, spm.tgt.model). prepare_vocabularies() gives training its models (the
// configured ones, or newly trained ones) and leaves copies in the run directory, so a run
// directory is self-describing; load_vocabularies() reads them back for translation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nmt/config/config.h"
#include "nmt/text/tokenizer.h"

namespace nmt {

struct Vocabularies {
  std::shared_ptr<const Tokenizer> src;
  std::shared_ptr<const Tokenizer> tgt;  // the same object as src when joint
  bool joint() const { return src == tgt; }
};

// File names inside a run directory.
constexpr const char* kJointVocab = "spm";  // spm.model, spm.vocab
constexpr const char* kSourceVocab = "spm.src";
constexpr const char* kTargetVocab = "spm.tgt";

// The models in `dir`: spm.model if present, else spm.src.model + spm.tgt.model. Throws
// DataError naming the directory when neither is there.
Vocabularies load_vocabularies(const std::string& dir);

// For training into `run_dir` (which must exist):
//   - data.vocab = "X.model": X is used for both sides and copied to run_dir/spm.model;
//   - data.vocab = "S.model,T.model" (needs data.joint_vocab = false): copied to spm.src/spm.tgt;
//   - data.vocab empty: trained on data.train_src/train_tgt (or the TSV's columns) with
//     data.vocab_size, vocab_type, character_coverage and vocab_sample, jointly or per side
//     as data.joint_vocab says.
// An existing run_dir/spm*.model (a resumed run) is loaded instead of training again.
Vocabularies prepare_vocabularies(const DataConfig& data, const std::string& run_dir, uint64_t seed,
                                  int threads = 0);

}  // namespace nmt
