#include "nmt/decoding/model_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "nmt/corpus/vocabularies.h"
#include "nmt/model/ensemble.h"
#include "nmt/model/model_file.h"
#include "nmt/util/atomic_file.h"
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

// DIR/NAME.model, the SentencePiece model NAME (kJointVocab, kSourceVocab, kTargetVocab).
fs::path spm_model(const fs::path& dir, const char* name) {
  return dir / (std::string(name) + ".model");
}

fs::path pick_checkpoint(const fs::path& dir, const std::string& checkpoint) {
  const fs::path checkpoints = dir / kCheckpointsDir;
  if (!checkpoint.empty()) {
    if (is_file(checkpoint)) return checkpoint;
    for (const fs::path& candidate : {checkpoints / checkpoint, checkpoints / (checkpoint + ".pt"),
                                      dir / checkpoint, dir / (checkpoint + ".pt")})
      if (is_file(candidate)) return candidate;
    throw CheckpointError("checkpoint '" + checkpoint +
                          "' not found (looked for it as a file and in " + checkpoints.string() +
                          "/)");
  }
  for (const fs::path& candidate :
       {checkpoints / kBestCheckpoint, checkpoints / kLastCheckpoint, dir / kExportedModelFile})
    if (is_file(candidate)) return candidate;
  throw CheckpointError(dir.string() +
                        " holds no model: expected checkpoints/best.pt or checkpoints/last.pt "
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

std::string model_home(const std::string& file) {
  const fs::path path(file);
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (dir.filename() == kCheckpointsDir && !is_file(spm_model(dir, kJointVocab)) &&
      !is_file(spm_model(dir, kSourceVocab)))
    return (dir.parent_path().empty() ? fs::path(".") : dir.parent_path()).string();
  return dir.string();
}

ModelPaths resolve_model_paths(const std::string& path, const std::string& checkpoint) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CheckpointError("model path " + path + " does not exist");
  ModelPaths out;
  fs::path home;
  if (fs::is_directory(path, ec)) {
    home = path;
    out.model_file = pick_checkpoint(home, checkpoint).string();
  } else {
    if (!checkpoint.empty())
      throw ConfigError("--checkpoint needs -m to name a directory, not the file " + path);
    out.model_file = path;
    home = model_home(path);
  }
  if (is_file(home / kConfigFile)) out.config_file = (home / kConfigFile).string();
  if (is_file(spm_model(home, kJointVocab))) {
    out.src_vocab = out.tgt_vocab = spm_model(home, kJointVocab).string();
  } else if (is_file(spm_model(home, kSourceVocab)) && is_file(spm_model(home, kTargetVocab))) {
    out.src_vocab = spm_model(home, kSourceVocab).string();
    out.tgt_vocab = spm_model(home, kTargetVocab).string();
  } else {
    throw CheckpointError("no vocabulary in " + home.string() +
                          ": expected spm.model (joint) or spm.src.model and spm.tgt.model");
  }
  return out;
}

void export_model_dir(const std::string& dir, const std::string& home, const Seq2SeqImpl& model,
                      const Config& config) {
  const fs::path out(dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec))
    throw ConfigError("--out " + dir + " exists and is not empty");
  std::vector<std::string> vocab;  // spm.model, spm.vocab, spm.src.model, ... as present
  for (const char* name : {kJointVocab, kSourceVocab, kTargetVocab})
    for (const char* extension : {".model", ".vocab"}) {
      const std::string file = name + std::string(extension);
      if (fs::exists(fs::path(home) / file)) vocab.push_back(file);
    }
  if (vocab.empty())
    throw ConfigError("no SentencePiece model next to the checkpoints (looked in " + home +
                      "); write a model file instead with --out FILE.pt");
  fs::create_directories(out);
  save_model_file((out / kExportedModelFile).string(), model, config);
  atomic_write_bytes((out / kConfigFile).string(), to_json(config).dump(2) + "\n");
  for (const auto& name : vocab)
    fs::copy_file(fs::path(home) / name, out / name, fs::copy_options::overwrite_existing);
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

  out.source = std::make_shared<const Tokenizer>(out.paths.src_vocab);
  out.target = out.paths.tgt_vocab == out.paths.src_vocab
                   ? out.source
                   : std::make_shared<const Tokenizer>(out.paths.tgt_vocab);
  if (out.source->vocab_size() != loaded.model->src_vocab_size() ||
      out.target->vocab_size() != loaded.model->tgt_vocab_size())
    throw CheckpointError(
        out.paths.model_file + " was trained with vocabularies of " +
        std::to_string(loaded.model->src_vocab_size()) + "/" +
        std::to_string(loaded.model->tgt_vocab_size()) + " pieces, but " + out.paths.src_vocab +
        " has " + std::to_string(out.source->vocab_size()) +
        (out.target == out.source
             ? ""
             : " and " + out.paths.tgt_vocab + " has " + std::to_string(out.target->vocab_size())));

  out.model = loaded.model;
  out.model->eval();
  for (auto& p : out.model->parameters()) p.set_requires_grad(false);
  const std::string wanted =
      options.precision.empty() ? out.config.decode.precision : options.precision;
  if (wanted == "int8" || out.model->is_int8()) {
    // int8 Linears (int8_gemm.h); the float parts as below.
    if (out.model->is_int8() && wanted != "int8" && wanted != "auto")
      throw ConfigError(out.paths.model_file + " is an int8 model (nmt quantize): it decodes with " +
                        "precision int8 (or auto) only, not " + wanted);
    if (device != "cpu")
      throw ConfigError("precision int8 runs on the CPU only, not on " + device);
    if (!out.model->is_int8()) out.model->quantize_int8();  // ConfigError where unavailable
    // The rest (embeddings, LayerNorm, attention) in bf16 where the CPU is fast at it (the int8
    // GEMMs take and give bf16 then), else float32: CTranslate2's int8_bfloat16 / int8_float32.
    out.dtype = bf16_is_fast(device) ? torch::kBFloat16 : torch::kFloat32;
    out.model->convert_floats(out.dtype);
    out.precision = "int8";
  } else {
    out.dtype = resolve_precision(wanted, device);
    out.precision = out.dtype == torch::kBFloat16 ? "bf16" : "fp32";
    out.model->to(torch::Device(device), out.dtype);
  }
  log::debug("loaded ", out.paths.model_file, ": ", out.model->parameter_summary(), ", ",
             out.precision, " on ", device);
  return out;
}

DecodingModel load_decoding_ensemble(const std::vector<std::string>& paths,
                                     const ModelLoadOptions& options) {
  if (paths.empty()) throw ConfigError("no model given (-m)");
  DecodingModel first = load_decoding_model(paths.front(), options);
  if (paths.size() == 1) return first;
  std::vector<Seq2Seq> members{first.model};
  std::string files = first.paths.model_file;
  for (size_t i = 1; i < paths.size(); ++i) {
    DecodingModel m = load_decoding_model(paths[i], options);
    const auto differs = [](const std::string& a, const std::string& b) {
      return a != b && read_text(a) != read_text(b);
    };
    if (differs(first.paths.src_vocab, m.paths.src_vocab) ||
        differs(first.paths.tgt_vocab, m.paths.tgt_vocab))
      throw ConfigError("cannot ensemble " + paths.front() + " and " + paths[i] +
                        ": their vocabularies differ (" + first.paths.src_vocab + ", " +
                        first.paths.tgt_vocab + " vs " + m.paths.src_vocab + ", " +
                        m.paths.tgt_vocab + "); ensembled models must share one vocabulary");
    members.push_back(m.model);
    files += " + " + m.paths.model_file;
  }
  first.model = make_ensemble(std::move(members));
  first.model->eval();
  first.paths.model_file = files;
  return first;
}

}  // namespace nmt
