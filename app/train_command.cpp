// `nmt train`: trains a model into a run directory, or continues one (--resume RUN_DIR).
// Everything the run needs is written into RUN_DIR first (config.json, the vocabulary), so the
// directory alone describes the model and resuming needs no other flags.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "nmt/corpus/data_sources.h"
#include "nmt/corpus/vocabularies.h"
#include "nmt/report/run_report.h"
#include "nmt/training/checkpoint.h"
#include "nmt/training/distributed.h"
#include "nmt/training/trainer.h"
#include "nmt/training/validator.h"
#include "nmt/util/atomic_file.h"
#include "nmt/util/cpu_allocator.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

namespace fs = std::filesystem;

struct TrainCommandOptions {
  ConfigSources sources;            // --preset, --config, --set
  RuntimeOptions runtime;           // --threads, --device
  std::string src, tgt;             // shortcuts for data.train_src / train_tgt
  std::string valid_src, valid_tgt; // data.valid_src / valid_tgt
  std::string vocab;                // data.vocab
  std::string out;                  // the run directory to create
  std::string resume;               // the run directory to continue
  std::optional<int64_t> seed;      // train.seed
  DistributedFlags distributed;     // --nproc, --world-size, --rank, --master, --dist-timeout
  bool device_given = false, threads_given = false;
};

// Made absolute, so config.json still finds the data from another working directory (--resume).
std::string absolute(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

// The shortcuts win over config files and --set: they are the most specific.
void apply_shortcuts(const TrainCommandOptions& o, Config& config) {
  if (!o.src.empty()) config.data.train_src = absolute(o.src);
  if (!o.tgt.empty()) config.data.train_tgt = absolute(o.tgt);
  if (!o.valid_src.empty()) config.data.valid_src = absolute(o.valid_src);
  if (!o.valid_tgt.empty()) config.data.valid_tgt = absolute(o.valid_tgt);
  if (!o.vocab.empty()) config.data.vocab = o.vocab.find(',') == std::string::npos ? absolute(o.vocab) : o.vocab;
  if (o.seed) {
    if (*o.seed < 0) throw ConfigError("--seed must not be negative");
    config.train.seed = *o.seed;
  }
  if (o.device_given) config.train.device = o.runtime.device;
  if (o.threads_given) config.train.threads = o.runtime.threads;
  config.train.device = check_device(config.train.device);
  if (config.data.train_src.empty())
    throw ConfigError("no training data: give --src and --tgt (or data.train_src / data.train_tgt)");
  if (config.data.valid_src.empty() != config.data.valid_tgt.empty())
    throw ConfigError("validation needs both --valid-src and --valid-tgt (data.valid_src, data.valid_tgt)");
}

// Missing inputs are named before anything is written, so a typo leaves no half-made run
// directory behind (exit 1, as for any unreadable data).
void check_inputs_exist(const DataConfig& data) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"--src (data.train_src)", data.train_src}, {"--tgt (data.train_tgt)", data.train_tgt},
      {"--valid-src (data.valid_src)", data.valid_src}, {"--valid-tgt (data.valid_tgt)", data.valid_tgt}};
  std::stringstream vocab(data.vocab);  // "X.model" or "S.model,T.model"
  for (std::string part; std::getline(vocab, part, ',');) files.emplace_back("--vocab (data.vocab)", part);
  for (const auto& [option, path] : files) {
    std::error_code ec;
    if (!path.empty() && !fs::is_regular_file(path, ec))
      throw DataError(option + ": cannot read " + path + ": no such file");
  }
}

void write_config(const std::string& run_dir, const Config& config) {
  atomic_write_bytes((fs::path(run_dir) / "config.json").string(), to_json(config).dump(2) + "\n");
}

// The first key of the model section that differs, "" when none does.
std::string changed_model_key(const Config& a, const Config& b) {
  const nlohmann::json ma = to_json(a)["model"], mb = to_json(b)["model"];
  for (auto it = ma.begin(); it != ma.end(); ++it)
    if (!mb.contains(it.key()) || mb[it.key()] != it.value()) return it.key();
  return "";
}

// Intra-op threads when train.threads is 0: the machine's cores shared by the workers on it
// (LOCAL_WORLD_SIZE, set by --nproc and torchrun), so local ranks do not oversubscribe them.
int threads_per_rank(int64_t configured) {
  if (configured > 0) return static_cast<int>(configured);
  const char* local = std::getenv("LOCAL_WORLD_SIZE");
  const int workers = local != nullptr ? std::max(1, std::atoi(local)) : 1;
  return std::max(1, default_threads() / workers);
}

// How long the other ranks wait for rank 0 to prepare the run directory: training a
// SentencePiece model on a large corpus takes a while.
constexpr std::chrono::hours kRunDirectoryTimeout{6};

void run_train(TrainCommandOptions& o) {
  const bool resuming = !o.resume.empty();
  std::string run_dir = resuming ? o.resume : o.out;
  std::optional<Checkpoint> checkpoint;
  Config config;
  // This process's rank in a data-parallel job (world size 1 when run plainly): joined as soon as
  // the config is known and before anything is written; only rank 0 writes the run directory.
  std::unique_ptr<DistributedContext> context;
  auto join = [&] {
    context = std::make_unique<DistributedContext>(distributed_options(o.distributed, config.train.device));
    if (!context->is_primary()) log::set_level(log::Level::warn);  // rank 0 speaks for the job
  };
  if (resuming) {
    if (!o.sources.preset.empty())
      throw ConfigError("--preset cannot be combined with --resume: the run's config.json is used (change keys with --set)");
    if (!o.out.empty() && fs::path(o.out) != fs::path(o.resume))
      throw ConfigError("--out and --resume name different directories; --resume continues RUN_DIR in place");
    const std::string config_file = (fs::path(run_dir) / "config.json").string();
    if (!fs::exists(config_file))
      throw ConfigError("--resume " + run_dir + ": no config.json there (is it a run directory of nmt train?)");
    ConfigSources sources = o.sources;
    sources.files.insert(sources.files.begin(), config_file);
    config = load_config(sources);
    apply_shortcuts(o, config);
    join();
    checkpoint = load_checkpoint((fs::path(run_dir) / "checkpoints" / "last.pt").string());
    const std::string key = changed_model_key(config, checkpoint->model.config);
    if (!key.empty())
      throw ConfigError("config key 'model." + key + "' differs from the checkpoint's (" +
                        to_json(checkpoint->model.config)["model"][key].dump() + "); a run's model cannot change when resuming");
  } else {
    if (o.out.empty()) throw ConfigError("--out RUN_DIR is required (or --resume RUN_DIR to continue a run)");
    config = load_config(o.sources);
    apply_shortcuts(o, config);
    check_inputs_exist(config.data);
    join();
    std::error_code ec;
    if (context->is_primary() && fs::exists(run_dir, ec) && !fs::is_empty(run_dir, ec))
      throw ConfigError("--out " + run_dir + " exists and is not empty; continue that run with `nmt train --resume " +
                        run_dir + "`, or choose another --out");
    if (context->is_primary()) fs::create_directories(run_dir, ec);
    if (ec) throw std::runtime_error("cannot create run directory " + run_dir + ": " + ec.message());
  }

  const int threads = threads_per_rank(config.train.threads);
  set_threads(threads);
  use_caching_cpu_allocator();  // before the model and the batches exist: steps stop page-faulting
  const auto seed = static_cast<uint64_t>(config.train.seed);
  // Rank 0 prepares the vocabulary and config.json; the others read them from the run directory
  // (which must be on a file system every rank sees).
  Vocabularies vocab;
  if (context->is_primary()) {
    vocab = prepare_vocabularies(config.data, run_dir, seed, threads);
    write_config(run_dir, config);
  }
  context->barrier("the run directory (vocabulary, config.json)",
                   std::chrono::duration_cast<std::chrono::milliseconds>(kRunDirectoryTimeout));
  if (!context->is_primary()) vocab = load_vocabularies(run_dir);

  Seq2Seq model;
  if (checkpoint) {
    model = checkpoint->model.model;
  } else {
    torch::manual_seed(seed);  // parameters; dropout continues from this generator
    model = make_model(config.model, vocab.src->vocab_size(), vocab.tgt->vocab_size());
  }
  if (model->src_vocab_size() != vocab.src->vocab_size() || model->tgt_vocab_size() != vocab.tgt->vocab_size())
    throw CheckpointError("the checkpoint's vocabulary sizes (" + std::to_string(model->src_vocab_size()) + ", " +
                          std::to_string(model->tgt_vocab_size()) + ") do not match the run's SentencePiece model(s)");

  const std::unique_ptr<Prefetcher> batches =
      make_training_batches(config.data, vocab, seed, context->rank(), context->world_size());

  std::unique_ptr<Validator> validator;
  if (!config.data.valid_src.empty() && context->is_primary()) {
    ValidatorOptions options;
    options.beam = config.train.valid_beam;
    options.decode = config.decode;
    options.batch_tokens = config.data.batch_tokens;
    validator = std::make_unique<Validator>(
        read_validation_set(config.data.valid_src, config.data.valid_tgt, *vocab.src, *vocab.tgt), *vocab.tgt,
        options, config.model.max_positions);
  }

  Trainer trainer(config, run_dir, model, *batches, context.get());
  if (checkpoint) trainer.resume(*checkpoint);
  checkpoint.reset();  // the file's tensors are no longer needed
  // train.report: RUN_DIR/report.html is refreshed as each validation starts (so it shows the
  // curves and best checkpoint up to the previous one) and once more when training ends. A report
  // that cannot be written is a warning: it never stops training.
  const auto refresh_report = [&] {
    if (!config.train.report || !context->is_primary()) return;  // rank 0 writes the run directory
    try {
      report::write_run_report(run_dir);
    } catch (const std::exception& e) {
      log::warn("train.report: could not write ", run_dir, "/report.html: ", e.what());
    }
  };
  if (validator) {
    trainer.set_validation([&](const Seq2Seq& m) {
      refresh_report();
      return validator->run(m, trainer.device(), trainer.precision());
    });
  } else if (!config.data.valid_src.empty()) {  // ranks > 0: validation is due, rank 0 runs it
    trainer.set_validation([](const Seq2Seq&) -> ValidationResult {
      throw std::logic_error("validation runs on rank 0 only");
    });
  }
  trainer.train();
  refresh_report();
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a model into a run directory (or --resume one)");
  cmd->footer(
      "RUN_DIR receives config.json (the resolved config), spm.model (the vocabulary: a copy of\n"
      "--vocab, or trained from the training data), checkpoints/{step-N,last,best}.pt,\n"
      "metrics.jsonl and train.log. Ctrl-C (or SIGTERM) finishes the current step, saves and exits.\n"
      "Examples:\n"
      "  nmt train --preset small --src train.en --tgt train.de --valid-src val.en --valid-tgt val.de \\\n"
      "            --out runs/en-de\n"
      "  nmt train --config my.json --set train.lr=5e-4 --out runs/x\n"
      "  nmt train --resume runs/en-de --set train.max_steps=40000   # continue, with a later stop\n"
      "  nmt train --preset small --src train.en --tgt train.de --out runs/dp --nproc 2   # 2 local ranks\n"
      "Several machines: --world-size N --rank R --master HOST:PORT on each (or torchrun's\n"
      "WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT); see docs/distributed.md.");
  auto o = std::make_shared<TrainCommandOptions>();
  add_config_options(*cmd, o->sources);
  add_runtime_options(*cmd, o->runtime);
  add_distributed_options(*cmd, o->distributed);
  cmd->add_option("--src", o->src, "Training source file (plain or .gz), or a TSV of pairs")->type_name("FILE");
  cmd->add_option("--tgt", o->tgt, "Training target file")->type_name("FILE");
  cmd->add_option("--valid-src", o->valid_src, "Validation source file")->type_name("FILE");
  cmd->add_option("--valid-tgt", o->valid_tgt, "Validation reference file")->type_name("FILE");
  cmd->add_option("--vocab", o->vocab, "An existing SentencePiece .model to use (copied into RUN_DIR)")->type_name("FILE");
  cmd->add_option("-o,--out", o->out, "The run directory to create (must not exist or be empty)")->type_name("RUN_DIR");
  cmd->add_option("--resume", o->resume, "Continue the run in RUN_DIR from checkpoints/last.pt")->type_name("RUN_DIR");
  cmd->add_option("--seed", o->seed, "Seeds parameters, dropout and data order (train.seed)");
  cmd->callback([o, cmd] {
    o->device_given = cmd->get_option("--device")->count() > 0;
    o->threads_given = cmd->get_option("--threads")->count() > 0;
    if (launch_if_requested(o->distributed)) return;  // --nproc N: this process only supervises
    run_train(*o);
  });
}

}  // namespace nmt::app
