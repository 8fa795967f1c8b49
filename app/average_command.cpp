// `nmt average`: the element-wise mean of several checkpoints' parameters, written as one model
// file (--out X.pt) or as an exported model directory (--out DIR: model.pt, config.json and the
// run's SentencePiece model(s)) that `nmt translate -m DIR` loads (decoding/model_dir.h).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/model/model_file.h"
#include "nmt/training/checkpoint_average.h"
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

void run_average(const AverageOptions& o) {
  std::vector<std::string> paths = o.inputs;
  if (o.last > 0) {
    if (o.inputs.size() != 1) throw ConfigError("--last N takes exactly one run directory");
    paths = last_step_checkpoints(o.inputs.front(), o.last);
  }
  if (paths.empty()) throw ConfigError("give checkpoints to average, or --last N RUN_DIR");
  for (const auto& p : paths) log::info("averaging ", p);
  const LoadedModel averaged = average_models(paths);
  if (fs::path(o.out).extension() == ".pt") {
    save_model_file(o.out, *averaged.model, averaged.config);
  } else {
    export_model_dir(o.out, model_home(paths.back()), *averaged.model, averaged.config);
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
      "  nmt average runs/en-de/checkpoints/step-0019000.pt runs/en-de/checkpoints/step-0020000.pt "
      "\\\n"
      "              --out runs/en-de/checkpoints/avg.pt");
  auto o = std::make_shared<AverageOptions>();
  cmd->add_option("inputs", o->inputs,
                  "Checkpoints (or model files); with --last, one run directory")
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
