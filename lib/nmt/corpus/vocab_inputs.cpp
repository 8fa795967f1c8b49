#include "nmt/corpus/vocab_inputs.h"

#include <memory>
#include <random>

#include "nmt/corpus/line_reader.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/utf8.h"

namespace nmt {
namespace {

// Every usable sentence of the inputs, in order.
class FileSentences : public SentenceSource {
 public:
  explicit FileSentences(const VocabInputs& inputs) : inputs_(inputs) {
    // Open (and so check) every file before reading any: a typo in the last one should not
    // cost a pass over the first ones.
    for (const auto& path : inputs.files) readers_.push_back(std::make_unique<LineReader>(path));
  }

  bool next(std::string& sentence) override {
    while (!fields_.empty() || file_ < readers_.size()) {
      if (!fields_.empty()) {
        sentence = std::move(fields_.back());
        fields_.pop_back();
        if (usable(sentence)) return true;
        continue;
      }
      LineReader& reader = *readers_[file_];
      if (!reader.next(line_)) {
        ++file_;
        continue;
      }
      if (const size_t bad = find_invalid_utf8(line_); bad != std::string::npos) {
        if (invalid_++ < 5)
          log::warn(invalid_utf8_message(reader.path(), reader.line_number(), bad), "; skipped");
        continue;
      }
      split(line_);
    }
    return false;
  }

  int64_t invalid() const { return invalid_; }
  int64_t empty() const { return empty_; }

 private:
  bool usable(const std::string& s) {
    if (s.find_first_not_of(" \t\r") != std::string::npos) return true;
    ++empty_;
    return false;
  }
  // Queues the line's sentences (fields_ is popped from the back, so push in reverse).
  void split(const std::string& line) {
    if (line.find('\t') == std::string::npos) {
      fields_.push_back(line);
      return;
    }
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
      const size_t tab = line.find('\t', start);
      fields.push_back(
          line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (inputs_.column >= 0) {
      if (static_cast<size_t>(inputs_.column) < fields.size())
        fields_.push_back(fields[inputs_.column]);
      return;
    }
    fields_.insert(fields_.end(), fields.rbegin(), fields.rend());
  }

  const VocabInputs& inputs_;
  std::vector<std::unique_ptr<LineReader>> readers_;
  size_t file_ = 0;
  std::string line_;
  std::vector<std::string> fields_;
  int64_t invalid_ = 0, empty_ = 0;
};

}  // namespace

void train_vocab_on_files(const VocabInputs& inputs, const VocabOptions& options) {
  if (inputs.files.empty()) throw ConfigError("no input files to train a vocabulary on");
  FileSentences sentences(inputs);
  int64_t total = 0;
  auto report = [&] {
    if (sentences.invalid() || sentences.empty())
      log::warn("vocabulary inputs: skipped ", sentences.invalid(),
                " lines with invalid UTF-8 and ", sentences.empty(), " empty sentences");
  };
  if (inputs.sample <= 0) {
    train_vocab(options, sentences);
    report();
    return;
  }
  // Reservoir sampling (Algorithm R): after n sentences, each is in the sample with probability
  // k/n.
  const auto k = static_cast<size_t>(inputs.sample);
  std::vector<std::string> reservoir;
  std::mt19937_64 rng(inputs.seed);
  std::string s;
  while (sentences.next(s)) {
    ++total;
    if (reservoir.size() < k) {
      reservoir.push_back(std::move(s));
    } else {
      const auto j = static_cast<size_t>(rng() % static_cast<uint64_t>(total));
      if (j < k) reservoir[j] = std::move(s);
    }
  }
  report();
  if (static_cast<int64_t>(reservoir.size()) < total)
    log::info("vocabulary: training on a sample of ", reservoir.size(), " of ", total,
              " sentences");
  VectorSentenceSource sample(std::move(reservoir));
  train_vocab(options, sample);
}

}  // namespace nmt
