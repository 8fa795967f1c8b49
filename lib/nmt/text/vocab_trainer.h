// Training a SentencePiece model through the SentencePiece C++ trainer, with nmt's reserved ids
// (pad=0 unk=1 bos=2 eos=3) and the trainer's log silenced unless asked for.
//
// The trainer is fed through a SentenceSource, so the caller decides where sentences come from
// (corpus/vocab_inputs.h reads plain and .gz files and samples them). A joint vocabulary is one
// model trained over source and target text; one vocabulary per side is two calls.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

struct VocabOptions {
  std::string prefix;               // output: writes PREFIX.model and PREFIX.vocab
  int64_t vocab_size = 8000;        // pieces in the vocabulary, the 4 reserved ones included
  std::string type = "unigram";     // unigram | bpe
  double character_coverage = 1.0;  // share of characters covered (0.9995 suits CJK), in (0, 1]
  std::string normalization =
      "nmt_nfkc";  // SentencePiece rule: nmt_nfkc | nfkc | nmt_nfkc_cf | nfkc_cf | identity
  bool byte_fallback = false;  // unknown characters become UTF-8 byte pieces (needs vocab > 260)
  int threads = 0;             // trainer threads (0 = the cores available)
  bool verbose = false;        // pass SentencePiece's own progress log through to stderr
};

// Where training sentences come from: next() fills `sentence` and returns true, or returns false
// at the end. Implementations throw DataError for unreadable input.
class SentenceSource {
 public:
  virtual ~SentenceSource() = default;
  virtual bool next(std::string& sentence) = 0;
};

// The sentences of a vector, in order (each moved out as it is read).
class VectorSentenceSource : public SentenceSource {
 public:
  explicit VectorSentenceSource(std::vector<std::string> sentences)
      : sentences_(std::move(sentences)) {}
  bool next(std::string& sentence) override {
    if (next_ == sentences_.size()) return false;
    sentence = std::move(sentences_[next_++]);
    return true;
  }

 private:
  std::vector<std::string> sentences_;
  size_t next_ = 0;
};

// Trains a model on every sentence `sentences` yields (sample beforehand; SentencePiece holds
// them all in memory) and loads the result back to check it. Throws ConfigError for bad options
// and DataError when SentencePiece fails (too little text for the vocabulary size, an
// unwritable prefix, ...), with SentencePiece's reason.
void train_vocab(const VocabOptions& options, SentenceSource& sentences);

}  // namespace nmt
