#include "nmt/decoding/model_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "nmt/model/model_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt {
namespace fs = std::filesystem;
namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// The directory holding config.json / spm.model for a model file at `file`.
fs::path home_of(const fs::path& file) {
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (dir.filename() == "checkpoints" && !is_file(dir / "spm.model") && !is_file(dir / "spm.src.model"))
    return dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  return dir;
}

fs::path pick_checkpoint(const fs::path& dir, const std::string& checkpoint) {
  if (!checkpoint.empty()) {
    if (is_file(checkpoint)) return checkpoint;
    for (const fs::path& candidate : {dir / "checkpoints" / checkpoint, dir / "checkpoints" / (checkpoint + ".pt"),
                                      dir / checkpoint, dir / (checkpoint + ".pt")})
      if (is_file(candidate)) return candidate;
    throw CheckpointError("checkpoint '" + checkpoint + "' not found (looked for it as a file and in " +
                          (dir / "checkpoints").string() + "/)");
  }
  for (const fs::path& candidate : {dir / "checkpoints" / "best.pt", dir / "checkpoints" / "last.pt", dir / "model.pt"})
    if (is_file(candidate)) return candidate;
  throw CheckpointError(dir.string() + " holds no model: expected checkpoints/best.pt or checkpoints/last.pt "
                        "(a training run) or model.pt (an exported model)");
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ModelPaths resolve_model_paths(const std::string& path, const std::string& checkpoint) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CheckpointError("model path " + path + " does not exist");
  ModelPaths out;
  fs::path home;
  if (fs::is_directory(path, ec)) {
    home = path;
    out.model_file = pick_checkpoint(home, checkpoint).string();
  } else {
    if (!checkpoint.empty()) throw ConfigError("--checkpoint needs -m to name a directory, not the file " + path);
    out.model_file = path;
    home = home_of(path);
  }
  if (is_file(home / "config.json")) out.config_file = (home / "config.json").string();
  if (is_file(home / "spm.model")) {
    out.src_vocab = out.tgt_vocab = (home / "spm.model").string();
  } else if (is_file(home / "spm.src.model") && is_file(home / "spm.tgt.model")) {
    out.src_vocab = (home / "spm.src.model").string();
    out.tgt_vocab = (home / "spm.tgt.model").string();
  } else {
    throw CheckpointError("no vocabulary in " + home.string() +
                          ": expected spm.model (joint) or spm.src.model and spm.tgt.model");
  }
  return out;
}

DecodingModel load_decoding_model(const std::string& path, const ModelLoadOptions& options) {
  DecodingModel out;
  out.paths = resolve_model_paths(path, options.checkpoint);
  const std::string device = check_device(options.device);

  LoadedModel loaded = load_model_file(out.paths.model_file);
  out.config = loaded.config;
  if (!out.paths.config_file.empty()) {
    // The model section stays the file's: it describes the weights actually loaded.
    const std::string& file = out.paths.config_file;
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(read_text(file));
    } catch (const nlohmann::json::exception& e) {
      throw ConfigError(file + ": not valid JSON (" + e.what() + ")");
    }
    Config side = config_from_json(doc, file);
    side.model = out.config.model;
    out.config = side;
  }

  out.dtype = resolve_precision(options.precision.empty() ? out.config.decode.precision : options.precision,
                                device);
  out.source = std::make_shared<const Tokenizer>(out.paths.src_vocab);
  out.target = out.paths.tgt_vocab == out.paths.src_vocab
                   ? out.source
                   : std::make_shared<const Tokenizer>(out.paths.tgt_vocab);
  if (out.source->vocab_size() != loaded.model->src_vocab_size() ||
      out.target->vocab_size() != loaded.model->tgt_vocab_size())
    throw CheckpointError(out.paths.model_file + " was trained with vocabularies of " +
                          std::to_string(loaded.model->src_vocab_size()) + "/" +
                          std::to_string(loaded.model->tgt_vocab_size()) + " pieces, but " +
                          out.paths.src_vocab + " has " + std::to_string(out.source->vocab_size()) +
                          (out.target == out.source ? "" : " and " + out.paths.tgt_vocab + " has " +
                                                               std::to_string(out.target->vocab_size())));

  out.model = loaded.model;
  out.model->eval();
  out.model->to(torch::Device(device), out.dtype);
  for (auto& p : out.model->parameters()) p.set_requires_grad(false);
  log::debug("loaded ", out.paths.model_file, ": ", out.model->parameter_summary(), ", ",
             out.dtype == torch::kBFloat16 ? "bf16" : "fp32", " on ", device);
  return out;
}

}  // namespace nmt
