#include "nmt/corpus/vocabularies.h"

#include <filesystem>

#include "nmt/corpus/vocab_inputs.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt {
namespace fs = std::filesystem;

namespace {

std::string model_path(const std::string& dir, const char* name) {
  return (fs::path(dir) / (std::string(name) + ".model")).string();
}

// Copies MODEL (and its .vocab when present) to DIR/NAME.model; returns the copy's path.
std::string copy_model(const std::string& model, const std::string& dir, const char* name) {
  if (!fs::exists(model))
    throw DataError("data.vocab: cannot open SentencePiece model '" + model + "'");
  const std::string target = model_path(dir, name);
  std::error_code ec;
  if (fs::exists(target) && fs::equivalent(model, target, ec)) return target;
  fs::copy_file(model, target, fs::copy_options::overwrite_existing);
  const fs::path vocab = fs::path(model).replace_extension(".vocab");
  if (fs::exists(vocab))
    fs::copy_file(vocab, fs::path(dir) / (std::string(name) + ".vocab"),
                  fs::copy_options::overwrite_existing);
  return target;
}

VocabOptions vocab_options(const DataConfig& data, const std::string& prefix, int threads) {
  VocabOptions o;
  o.prefix = prefix;
  o.vocab_size = data.vocab_size;
  o.type = data.vocab_type;
  o.character_coverage = data.character_coverage;
  o.threads = threads;
  return o;
}

}  // namespace

Vocabularies load_vocabularies(const std::string& dir) {
  Vocabularies v;
  if (fs::exists(model_path(dir, kJointVocab))) {
    v.src = v.tgt = std::make_shared<const Tokenizer>(model_path(dir, kJointVocab));
  } else if (fs::exists(model_path(dir, kSourceVocab)) &&
             fs::exists(model_path(dir, kTargetVocab))) {
    v.src = std::make_shared<const Tokenizer>(model_path(dir, kSourceVocab));
    v.tgt = std::make_shared<const Tokenizer>(model_path(dir, kTargetVocab));
  } else {
    throw DataError(
        "'" + dir +
        "' holds no SentencePiece model (spm.model, or spm.src.model and spm.tgt.model)");
  }
  return v;
}

Vocabularies prepare_vocabularies(const DataConfig& data, const std::string& run_dir, uint64_t seed,
                                  int threads) {
  if (!fs::is_directory(run_dir)) throw DataError("run directory '" + run_dir + "' does not exist");
  if (!data.vocab.empty()) {
    const auto comma = data.vocab.find(',');
    if (comma == std::string::npos) {
      if (!data.joint_vocab)
        log::warn(
            "data.vocab names one model; it serves both sides although data.joint_vocab is false");
      const auto path = copy_model(data.vocab, run_dir, kJointVocab);
      Vocabularies v;
      v.src = v.tgt = std::make_shared<const Tokenizer>(path);
      return v;
    }
    if (data.joint_vocab)
      throw ConfigError("data.vocab names two models ('" + data.vocab +
                        "') but data.joint_vocab is true");
    Vocabularies v;
    v.src = std::make_shared<const Tokenizer>(
        copy_model(data.vocab.substr(0, comma), run_dir, kSourceVocab));
    v.tgt = std::make_shared<const Tokenizer>(
        copy_model(data.vocab.substr(comma + 1), run_dir, kTargetVocab));
    return v;
  }
  const bool have_joint = fs::exists(model_path(run_dir, kJointVocab));
  const bool have_pair = fs::exists(model_path(run_dir, kSourceVocab)) &&
                         fs::exists(model_path(run_dir, kTargetVocab));
  if ((data.joint_vocab && have_joint) || (!data.joint_vocab && have_pair)) {
    log::info("using the vocabulary already in ", run_dir);
    return load_vocabularies(run_dir);
  }
  if (data.train_src.empty())
    throw ConfigError("data.train_src is empty: nothing to train a vocabulary on");
  const bool tsv = data.train_tgt.empty();
  VocabInputs inputs;
  inputs.sample = data.vocab_sample;
  inputs.seed = seed;
  if (data.joint_vocab) {
    inputs.files = tsv ? std::vector<std::string>{data.train_src}
                       : std::vector<std::string>{data.train_src, data.train_tgt};
    const std::string prefix = (fs::path(run_dir) / kJointVocab).string();
    train_vocab_on_files(inputs, vocab_options(data, prefix, threads));
    return load_vocabularies(run_dir);
  }
  for (int side = 0; side < 2; ++side) {
    inputs.files = {tsv ? data.train_src : (side == 0 ? data.train_src : data.train_tgt)};
    inputs.column = tsv ? side : -1;
    const std::string prefix =
        (fs::path(run_dir) / (side == 0 ? kSourceVocab : kTargetVocab)).string();
    train_vocab_on_files(inputs, vocab_options(data, prefix, threads));
  }
  return load_vocabularies(run_dir);
}

}  // namespace nmt
