// `nmt train`: trains a model into a run directory, or continues one (--resume RUN_DIR).
// Everything the run needs is written into RUN_DIR first (config.json, the vocabulary), so the
// directory alone describes the model and resuming needs no other flags. Creating, resuming and
// preparing the run directory is the library's (training/run_dir.h); this file maps flags to it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "nmt/corpus/data_sources.h"
#include "nmt/corpus/vocabularies.h"
#include "nmt/report/run_report.h"
#include "nmt/training/checkpoint.h"
#include "nmt/training/distributed.h"
#include "nmt/training/run_dir.h"
#include "nmt/training/trainer.h"
#include "nmt/training/validator.h"
#include "nmt/util/cpu_allocator.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

namespace fs = std::filesystem;

struct TrainCommandOptions {
  ConfigSources sources;             // --preset, --config, --set
  RuntimeOptions runtime;            // --threads, --device
  std::string src, tgt;              // shortcuts for data.train_src / train_tgt
  std::string valid_src, valid_tgt;  // data.valid_src / valid_tgt
  std::string vocab;                 // data.vocab
  std::string out;                   // the run directory to create
  std::string resume;                // the run directory to continue
  std::optional<int64_t> seed;       // train.seed
  DistributedFlags distributed;      // --nproc, --world-size, --rank, --master, --dist-timeout
  bool device_given = false, threads_given = false;
};

// Made absolute, so config.json still finds the data from another working directory (--resume).
std::string absolute(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

// The shortcuts win over config files and --set: they are the most specific.
void apply_shortcuts(const TrainCommandOptions& o, Config& config) {
  if (!o.src.empty()) config.data.train_src = absolute(o.src);
  if (!o.tgt.empty()) config.data.train_tgt = absolute(o.tgt);
  if (!o.valid_src.empty()) config.data.valid_src = absolute(o.valid_src);
  if (!o.valid_tgt.empty()) config.data.valid_tgt = absolute(o.valid_tgt);
  if (!o.vocab.empty())
    config.data.vocab = o.vocab.find(',') == std::string::npos ? absolute(o.vocab) : o.vocab;
  if (o.seed) {
    if (*o.seed < 0) throw ConfigError("--seed must not be negative");
    config.train.seed = *o.seed;
  }
  if (o.device_given) config.train.device = o.runtime.device;
  if (o.threads_given) config.train.threads = o.runtime.threads;
  config.train.device = check_device(config.train.device);
  if (config.data.train_src.empty())
    throw ConfigError(
        "no training data: give --src and --tgt (or data.train_src / data.train_tgt)");
  if (config.data.valid_src.empty() != config.data.valid_tgt.empty())
    throw ConfigError(
        "validation needs both --valid-src and --valid-tgt (data.valid_src, data.valid_tgt)");
}

// Intra-op threads when train.threads is 0: the machine's cores shared by the workers on it
// (LOCAL_WORLD_SIZE, set by --nproc and torchrun), so local ranks do not oversubscribe them.
int threads_per_rank(int64_t configured) {
  if (configured > 0) return static_cast<int>(configured);
  const char* local = std::getenv("LOCAL_WORLD_SIZE");
  const int workers = local != nullptr ? std::max(1, std::atoi(local)) : 1;
  return std::max(1, default_threads() / workers);
}

// The flags that --out and --resume rule out, checked before any file is read.
void check_run_flags(const TrainCommandOptions& o) {
  if (o.resume.empty()) {
    if (o.out.empty())
      throw ConfigError("--out RUN_DIR is required (or --resume RUN_DIR to continue a run)");
    return;
  }
  if (!o.sources.preset.empty())
    throw ConfigError(
        "--preset cannot be combined with --resume: the run's config.json is used (change keys "
        "with --set)");
  if (!o.out.empty() && fs::path(o.out) != fs::path(o.resume))
    throw ConfigError(
        "--out and --resume name different directories; --resume continues RUN_DIR in place");
}

// train.report: RUN_DIR/report.html is refreshed as each validation starts (so it shows the
// curves and best checkpoint up to the previous one) and once more when training ends. A report
// that cannot be written is a warning: it never stops training. Rank 0 writes the run directory.
void refresh_report(const Config& config, const std::string& run_dir,
                    const DistributedContext& context) {
  if (!config.train.report || !context.is_primary()) return;
  try {
    report::write_run_report(run_dir);
  } catch (const std::exception& e) {
    log::warn("train.report: could not write ", run_dir, "/", kReportFile, ": ", e.what());
  }
}

void run_train(TrainCommandOptions& o) {
  check_run_flags(o);
  const bool resuming = !o.resume.empty();
  const std::string run_dir = resuming ? o.resume : o.out;
  Config config = resuming ? load_run_config(run_dir, o.sources) : load_config(o.sources);
  apply_shortcuts(o, config);
  if (!resuming) check_training_inputs(config.data);
  // This process's rank in a data-parallel job (world size 1 when run plainly): joined as soon as
  // the config is known and before anything is written; only rank 0 writes the run directory.
  DistributedContext context(distributed_options(o.distributed, config.train.device));
  if (!context.is_primary()) log::set_level(log::Level::warn);  // rank 0 speaks for the job
  std::optional<Checkpoint> checkpoint;
  if (resuming) {
    checkpoint = load_resume_checkpoint(run_dir, config);
  } else if (context.is_primary()) {
    create_run_dir(run_dir);
  }

  const int threads = threads_per_rank(config.train.threads);
  set_threads(threads);
  use_caching_cpu_allocator();  // before the model and the batches exist: steps stop page-faulting
  const Vocabularies vocab = prepare_run_dir(run_dir, config, threads, context);
  Seq2Seq model = make_run_model(config, vocab, checkpoint ? &*checkpoint : nullptr);
  const std::unique_ptr<Prefetcher> batches =
      make_training_batches(config.data, vocab, static_cast<uint64_t>(config.train.seed),
                            context.rank(), context.world_size());
  const std::unique_ptr<Validator> validator =
      context.is_primary() ? make_run_validator(config, vocab) : nullptr;

  Trainer trainer(config, run_dir, model, *batches, &context);
  if (checkpoint) trainer.resume(*checkpoint);
  checkpoint.reset();  // the file's tensors are no longer needed
  if (validator) {
    trainer.set_validation([&](const Seq2Seq& m) {
      refresh_report(config, run_dir, context);
      return validator->run(m, trainer.device(), trainer.precision());
    });
  } else if (!config.data.valid_src.empty()) {  // ranks > 0: validation is due, rank 0 runs it
    trainer.set_validation([](const Seq2Seq&) -> ValidationResult {
      throw std::logic_error("validation runs on rank 0 only");
    });
  }
  trainer.train();
  refresh_report(config, run_dir, context);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a model into a run directory (or --resume one)");
  cmd->footer(
      "RUN_DIR receives config.json (the resolved config), spm.model (the vocabulary: a copy of\n"
      "--vocab, or trained from the training data), checkpoints/{step-N,last,best}.pt,\n"
      "metrics.jsonl and train.log. Ctrl-C (or SIGTERM) finishes the current step, saves and "
      "exits.\n"
      "Examples:\n"
      "  nmt train --preset small --src train.en --tgt train.de --valid-src val.en --valid-tgt "
      "val.de \\\n"
      "            --out runs/en-de\n"
      "  nmt train --config my.json --set train.lr=5e-4 --out runs/x\n"
      "  nmt train --resume runs/en-de --set train.max_steps=40000   # continue, with a later "
      "stop\n"
      "  nmt train --preset small --src train.en --tgt train.de --out runs/dp --nproc 2   # 2 "
      "local ranks\n"
      "Several machines: --world-size N --rank R --master HOST:PORT on each (or torchrun's\n"
      "WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT); see docs/distributed.md.");
  auto o = std::make_shared<TrainCommandOptions>();
  add_config_options(*cmd, o->sources);
  add_runtime_options(*cmd, o->runtime);
  add_distributed_options(*cmd, o->distributed);
  cmd->add_option("--src", o->src, "Training source file (plain or .gz), or a TSV of pairs")
      ->type_name("FILE");
  cmd->add_option("--tgt", o->tgt, "Training target file")->type_name("FILE");
  cmd->add_option("--valid-src", o->valid_src, "Validation source file")->type_name("FILE");
  cmd->add_option("--valid-tgt", o->valid_tgt, "Validation reference file")->type_name("FILE");
  cmd->add_option("--vocab", o->vocab,
                  "An existing SentencePiece .model to use (copied into RUN_DIR)")
      ->type_name("FILE");
  cmd->add_option("-o,--out", o->out, "The run directory to create (must not exist or be empty)")
      ->type_name("RUN_DIR");
  cmd->add_option("--resume", o->resume, "Continue the run in RUN_DIR from checkpoints/last.pt")
      ->type_name("RUN_DIR");
  cmd->add_option("--seed", o->seed, "Seeds parameters, dropout and data order (train.seed)");
  cmd->callback([o, cmd] {
    o->device_given = cmd->get_option("--device")->count() > 0;
    o->threads_given = cmd->get_option("--threads")->count() > 0;
    if (launch_if_requested(o->distributed)) return;  // --nproc N: this process only supervises
    run_train(*o);
  });
}

}  // namespace nmt::app
