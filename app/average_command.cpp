// `nmt average`: the element-wise mean of several checkpoints' parameters, written as one model
// file (--out X.pt) or as an exported model directory (--out DIR: model.pt, config.json and the
// run's SentencePiece model(s)) that `nmt translate -m DIR` loads.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nmt/model/model_file.h"
#include "nmt/training/checkpoint_average.h"
#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt::app {
namespace {

namespace fs = std::filesystem;

struct AverageOptions {
  std::vector<std::string> inputs;  // checkpoints, or (with --last) one run directory
  int64_t last = 0;                 // average the newest N step checkpoints of the run
  std::string out;                  // X.pt, or a directory to export into
};

// The directory holding a checkpoint's config.json and vocabulary (RUN_DIR for
// RUN_DIR/checkpoints/X.pt).
fs::path home_of(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return dir.filename() == "checkpoints" ? dir.parent_path() : dir;
}

void export_directory(const fs::path& dir, const fs::path& home, const LoadedModel& averaged) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw ConfigError("--out " + dir.string() + " exists and is not empty");
  std::vector<std::string> vocab;
  for (const char* name : {"spm.model", "spm.vocab", "spm.src.model", "spm.src.vocab", "spm.tgt.model", "spm.tgt.vocab"})
    if (fs::exists(home / name)) vocab.push_back(name);
  if (vocab.empty())
    throw ConfigError("no SentencePiece model next to the checkpoints (looked in " + home.string() +
                      "); write a model file instead with --out FILE.pt");
  fs::create_directories(dir);
  save_model_file((dir / "model.pt").string(), *averaged.model, averaged.config);
  atomic_write_bytes((dir / "config.json").string(), to_json(averaged.config).dump(2) + "\n");
  for (const auto& name : vocab) fs::copy_file(home / name, dir / name, fs::copy_options::overwrite_existing);
}

void run_average(const AverageOptions& o) {
  std::vector<std::string> paths = o.inputs;
  if (o.last > 0) {
    if (o.inputs.size() != 1) throw ConfigError("--last N takes exactly one run directory");
    paths = last_step_checkpoints(o.inputs.front(), o.last);
  }
  if (paths.empty()) throw ConfigError("give checkpoints to average, or --last N RUN_DIR");
  for (const auto& p : paths) log::info("averaging ", p);
  const LoadedModel averaged = average_models(paths);
  const fs::path out(o.out);
  if (out.extension() == ".pt") {
    save_model_file(o.out, *averaged.model, averaged.config);
  } else {
    export_directory(out, home_of(paths.back()), averaged);
  }
  log::info("wrote the average of ", paths.size(), " checkpoint(s) to ", o.out);
}

}  // namespace

void add_average_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("average", "Average the parameters of checkpoints into one model");
  cmd->footer(
      "--out FILE.pt writes a model file; --out DIR exports model.pt, config.json and the\n"
      "vocabulary into DIR, for `nmt translate -m DIR`.\n"
      "Examples:\n"
      "  nmt average --last 5 runs/en-de --out runs/en-de-avg\n"
      "  nmt average runs/en-de/checkpoints/step-0019000.pt runs/en-de/checkpoints/step-0020000.pt \\\n"
      "              --out runs/en-de/checkpoints/avg.pt");
  auto o = std::make_shared<AverageOptions>();
  cmd->add_option("inputs", o->inputs, "Checkpoints (or model files); with --last, one run directory")
      ->required()
      ->type_name("CKPT|RUN_DIR");
  cmd->add_option("--last", o->last, "Average the newest N step checkpoints of RUN_DIR")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("-o,--out", o->out, "Output: a .pt model file, or a directory to export into")
      ->required()
      ->type_name("FILE|DIR");
  cmd->callback([o] { run_average(*o); });
}

}  // namespace nmt::app
