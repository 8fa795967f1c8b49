// `nmt quantize`: an int8 copy of a model (every Linear quantized per output row, see
// lib/nmt/model/linear.h), as a model file (--out X.pt) or an exported model directory (--out DIR:
// model.pt, config.json with decode.precision int8, and the vocabulary). It loads without the float
// weights, so its file and its memory are about 4x smaller for the Linears.
#include <filesystem>
#include <memory>
#include <string>

#include "commands.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/model/model_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

namespace nmt::app {
namespace {

namespace fs = std::filesystem;

struct QuantizeOptions {
  std::string model;       // run directory, exported directory or model file
  std::string checkpoint;  // as nmt translate's --checkpoint
  std::string out;         // X.pt, or a directory to export into
};

std::string mib(const std::string& file) {
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  return ec ? "?" : std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}

void run_quantize(const QuantizeOptions& o) {
  ModelLoadOptions load;
  load.checkpoint = o.checkpoint;
  load.precision = "fp32";  // float parts stay float32 in the file
  DecodingModel m = load_decoding_model(o.model, load);
  m.model->quantize_int8();  // ConfigError where this build has no int8 kernels
  Config config = m.config;
  config.decode.precision = "int8";
  std::string written = o.out;
  if (fs::path(o.out).extension() == ".pt") {
    save_model_file(o.out, *m.model, config);
  } else {
    export_model_dir(o.out, model_home(m.paths.model_file), *m.model, config);
    written = (fs::path(o.out) / kExportedModelFile).string();
  }
  log::info("wrote the int8 model of ", m.paths.model_file, " (", mib(m.paths.model_file), ") to ",
            o.out, " (", mib(written), ")");
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("quantize", "Write an int8 copy of a model for fast CPU decoding");
  cmd->footer(
      "Every Linear layer (attention projections, feed-forward, output projection) is quantized\n"
      "per output row to int8; activations are quantized per token at run time. --out FILE.pt\n"
      "writes a model file; --out DIR exports model.pt, config.json and the vocabulary.\n"
      "Example:\n"
      "  nmt quantize -m runs/en-de -o runs/en-de-int8 && nmt translate -m runs/en-de-int8 < in.en");
  auto o = std::make_shared<QuantizeOptions>();
  cmd->add_option("-m,--model", o->model, "Run directory, exported model directory or model file")
      ->required();
  cmd->add_option("--checkpoint", o->checkpoint,
                  "Checkpoint of a run directory (default: best.pt, else last.pt)");
  cmd->add_option("-o,--out", o->out, "Output: a .pt model file, or a directory to export into")
      ->required()
      ->type_name("FILE|DIR");
  cmd->callback([o] { run_quantize(*o); });
}

}  // namespace nmt::app
