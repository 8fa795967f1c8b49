#include "nmt/training/run_dir.h"

#include <chrono>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"

namespace nmt {
namespace fs = std::filesystem;
namespace {

// How long the other ranks wait for rank 0 to prepare the run directory: training a
// SentencePiece model on a large corpus takes a while.
constexpr std::chrono::hours kRunDirectoryTimeout{6};

}  // namespace

std::string run_config_path(const std::string& run_dir) {
  return (fs::path(run_dir) / kConfigFile).string();
}

std::string run_last_checkpoint_path(const std::string& run_dir) {
  return (fs::path(run_dir) / kCheckpointsDir / kLastCheckpoint).string();
}

void check_training_inputs(const DataConfig& data) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"--src (data.train_src)", data.train_src},
      {"--tgt (data.train_tgt)", data.train_tgt},
      {"--valid-src (data.valid_src)", data.valid_src},
      {"--valid-tgt (data.valid_tgt)", data.valid_tgt}};
  std::stringstream vocab(data.vocab);  // "X.model" or "S.model,T.model"
  for (std::string part; std::getline(vocab, part, ',');)
    files.emplace_back("--vocab (data.vocab)", part);
  for (const auto& [option, path] : files) {
    std::error_code ec;
    if (!path.empty() && !fs::is_regular_file(path, ec))
      throw DataError(option + ": cannot read " + path + ": no such file");
  }
}

void create_run_dir(const std::string& run_dir) {
  std::error_code ec;
  if (fs::exists(run_dir, ec) && !fs::is_empty(run_dir, ec))
    throw ConfigError("--out " + run_dir +
                      " exists and is not empty; continue that run with `nmt train --resume " +
                      run_dir + "`, or choose another --out");
  fs::create_directories(run_dir, ec);
  if (ec) throw std::runtime_error("cannot create run directory " + run_dir + ": " + ec.message());
}

Config load_run_config(const std::string& run_dir, const ConfigSources& sources) {
  const std::string config_file = run_config_path(run_dir);
  if (!fs::exists(config_file))
    throw ConfigError("--resume " + run_dir +
                      ": no config.json there (is it a run directory of nmt train?)");
  ConfigSources with_run = sources;
  with_run.files.insert(with_run.files.begin(), config_file);
  return load_config(with_run);
}

std::string changed_model_key(const Config& a, const Config& b) {
  const nlohmann::json ma = to_json(a)["model"], mb = to_json(b)["model"];
  for (auto it = ma.begin(); it != ma.end(); ++it)
    if (!mb.contains(it.key()) || mb[it.key()] != it.value()) return it.key();
  return "";
}

Checkpoint load_resume_checkpoint(const std::string& run_dir, const Config& config) {
  Checkpoint checkpoint = load_checkpoint(run_last_checkpoint_path(run_dir));
  const std::string key = changed_model_key(config, checkpoint.model.config);
  if (!key.empty())
    throw ConfigError("config key 'model." + key + "' differs from the checkpoint's (" +
                      to_json(checkpoint.model.config)["model"][key].dump() +
                      "); a run's model cannot change when resuming");
  return checkpoint;
}

Vocabularies prepare_run_dir(const std::string& run_dir, const Config& config, int threads,
                             DistributedContext& context) {
  Vocabularies vocab;
  if (context.is_primary()) {
    vocab = prepare_vocabularies(config.data, run_dir, static_cast<uint64_t>(config.train.seed),
                                 threads);
    atomic_write_bytes(run_config_path(run_dir), to_json(config).dump(2) + "\n");
  }
  context.barrier("the run directory (vocabulary, config.json)",
                  std::chrono::duration_cast<std::chrono::milliseconds>(kRunDirectoryTimeout));
  if (!context.is_primary()) vocab = load_vocabularies(run_dir);
  return vocab;
}

Seq2Seq make_run_model(const Config& config, const Vocabularies& vocab,
                       const Checkpoint* checkpoint) {
  Seq2Seq model;
  if (checkpoint != nullptr) {
    model = checkpoint->model.model;
  } else {
    torch::manual_seed(
        static_cast<uint64_t>(config.train.seed));  // parameters; dropout continues from it
    model = make_model(config.model, vocab.src->vocab_size(), vocab.tgt->vocab_size());
  }
  if (model->src_vocab_size() != vocab.src->vocab_size() ||
      model->tgt_vocab_size() != vocab.tgt->vocab_size())
    throw CheckpointError("the checkpoint's vocabulary sizes (" +
                          std::to_string(model->src_vocab_size()) + ", " +
                          std::to_string(model->tgt_vocab_size()) +
                          ") do not match the run's SentencePiece model(s)");
  return model;
}

std::unique_ptr<Validator> make_run_validator(const Config& config, const Vocabularies& vocab) {
  if (config.data.valid_src.empty()) return nullptr;
  ValidatorOptions options;
  options.beam = config.train.valid_beam;
  options.decode = config.decode;
  options.batch_tokens = config.data.batch_tokens;
  return std::make_unique<Validator>(
      read_validation_set(config.data.valid_src, config.data.valid_tgt, *vocab.src, *vocab.tgt),
      *vocab.tgt, options, config.model.max_positions);
}

}  // namespace nmt
