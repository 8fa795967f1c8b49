#include "nmt/text/vocab_trainer.h"

#include <exception>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "nmt/config/special_ids.h"
#include "nmt/text/sentencepiece_api.h"
#include "nmt/text/tokenizer.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt {
namespace {

// Adapts a SentenceSource for the shim. Exceptions must not unwind through SentencePiece's
// frames, so they are parked here and re-thrown once training returns.
class SourceAdapter : public spm::Sentences {
 public:
  explicit SourceAdapter(SentenceSource& source) : source_(source) {}
  bool next(std::string* sentence) override {
    if (error_) return false;
    try {
      if (!source_.next(*sentence)) return false;
      ++count_;
      return true;
    } catch (...) {
      error_ = std::current_exception();
      return false;
    }
  }
  std::exception_ptr error() const { return error_; }
  int64_t count() const { return count_; }

 private:
  SentenceSource& source_;
  int64_t count_ = 0;
  std::exception_ptr error_;
};

void check_options(const VocabOptions& o) {
  if (o.prefix.empty()) throw ConfigError("vocabulary output prefix is empty");
  if (o.type != "unigram" && o.type != "bpe")
    throw ConfigError("vocabulary type must be unigram or bpe, got '" + o.type + "'");
  if (o.vocab_size < 8)
    throw ConfigError("vocabulary size must be at least 8, got " + std::to_string(o.vocab_size));
  if (!(o.character_coverage > 0 && o.character_coverage <= 1))
    throw ConfigError("character coverage must be in (0, 1], got " +
                      std::to_string(o.character_coverage));
  const std::filesystem::path parent = std::filesystem::path(o.prefix).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent))
    throw DataError("cannot write vocabulary '" + o.prefix + ".model': directory '" +
                    parent.string() + "' does not exist");
}

}  // namespace

void train_vocab(const VocabOptions& options, SentenceSource& sentences) {
  check_options(options);
  const int threads = options.threads > 0 ? options.threads : default_threads();
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"model_prefix", options.prefix},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"model_type", options.type},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"normalization_rule_name", options.normalization},
      {"byte_fallback", options.byte_fallback ? "true" : "false"},
      {"num_threads", std::to_string(threads)},
      {"pad_id", std::to_string(kPadId)},
      {"unk_id", std::to_string(kUnkId)},
      {"bos_id", std::to_string(kBosId)},
      {"eos_id", std::to_string(kEosId)},
      {"pad_piece", "<pad>"},
      {"unk_piece", "<unk>"},
      {"bos_piece", "<s>"},
      {"eos_piece", "</s>"},
      // The caller has already sampled; SentencePiece's own sampling would draw unseeded.
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
  };
  SourceAdapter adapter(sentences);
  // Log level 0 = SentencePiece's progress (INFO), 2 = errors only.
  const std::string error = spm::library().train(flags, adapter, options.verbose ? 0 : 2);
  if (adapter.error()) std::rethrow_exception(adapter.error());
  if (adapter.count() == 0) throw DataError("no sentences to train a vocabulary on");
  if (!error.empty())
    throw DataError("SentencePiece could not train '" + options.prefix + ".model' on " +
                    std::to_string(adapter.count()) + " sentences: " + error);
  // Loading it back checks the file was written and carries the reserved ids.
  const Tokenizer check(options.prefix + ".model");
  log::info("vocabulary ", options.prefix, ".model: ", check.vocab_size(), " pieces (",
            options.type, ") from ", adapter.count(), " sentences");
}

}  // namespace nmt
