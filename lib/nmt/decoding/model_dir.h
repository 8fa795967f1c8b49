// The model directory: what `-m PATH` of `nmt translate`, `nmt score`, `nmt eval`, `nmt attention`
// and `nmt report` points at, resolved and loaded, and what `nmt average --out DIR` exports.
// The file names both directory kinds share are defined here, once (the lowest layer that reads
// them); training/run_dir.h adds the names only a training run writes and creates, resumes and
// prepares run directories; the vocabulary's names are corpus/vocabularies.h's.
//
// PATH may be
//   (a) a training run directory (written by `nmt train --out RUN_DIR`):
//         RUN_DIR/config.json, RUN_DIR/spm.model, RUN_DIR/checkpoints/{best,last,step-N}.pt
//       the model is checkpoints/best.pt, else checkpoints/last.pt, unless a checkpoint is named;
//   (b) an exported model directory: DIR/config.json, DIR/spm.model, DIR/model.pt;
//   (c) a model or checkpoint file: its vocabulary and config.json are looked up next to it (or
//       one level up, for RUN_DIR/checkpoints/X.pt: see model_home).
// The vocabulary is spm.model (joint), or spm.src.model + spm.tgt.model (one per side).
// The model file carries its own config (architecture and sizes), so no flags describe the model;
// config.json, when present, supplies the `decode` defaults (edit it to change them).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/tokenizer.h"
#include "nmt/util/autocast.h"

namespace nmt {

// File names inside a run directory (a) and an exported model directory (b).
constexpr const char* kConfigFile = "config.json";      // (a) and (b): the resolved config
constexpr const char* kExportedModelFile = "model.pt";  // (b): the model
constexpr const char* kCheckpointsDir = "checkpoints";  // (a): step-N.pt, last.pt, best.pt
constexpr const char* kLastCheckpoint = "last.pt";      // (a): the newest checkpoint
constexpr const char* kBestCheckpoint = "best.pt";      // (a): the best validated checkpoint

// The directory that holds config.json and the vocabulary of the model or checkpoint file
// `file`: the file's own directory ("." when it has none), except for RUN_DIR/checkpoints/X.pt,
// which gives RUN_DIR (unless checkpoints/ holds a SentencePiece model itself).
std::string model_home(const std::string& file);

struct ModelPaths {
  std::string model_file;   // the .pt file loaded
  std::string config_file;  // config.json beside it ("" when there is none)
  std::string src_vocab;    // SentencePiece model of the source side
  std::string tgt_vocab;    // of the target side (== src_vocab when joint)
};

// Finds the files of PATH. `checkpoint` (optional) names a checkpoint: a path to a file, or a
// name looked up in RUN_DIR/checkpoints/ with or without ".pt" ("best", "last", "step-0001000").
// Throws CheckpointError naming what is missing and where it looked.
ModelPaths resolve_model_paths(const std::string& path, const std::string& checkpoint = "");

// Writes the exported model directory `dir` (b): model.pt and config.json from `model` and
// `config`, and copies of the SentencePiece files (.model and .vocab) found in `home` (see
// model_home). Throws ConfigError when `dir` exists and is not empty or `home` holds no
// SentencePiece model; nothing is written then.
void export_model_dir(const std::string& dir, const std::string& home, const Seq2SeqImpl& model,
                      const Config& config);

// The decoding precision ("fp32" | "bf16" | "auto") is resolved by nmt::resolve_precision
// (util/autocast.h), the same function training uses; "int8" quantizes every Linear at load time
// (Seq2SeqImpl::quantize_int8) and keeps the rest float32. An int8 model file (nmt quantize)
// decodes with int8 (or auto) only.

struct DecodingModel {
  Seq2Seq model;  // eval mode, no gradients needed, on the device, in the decoding precision
  Config config;  // model section from the model file; the rest from config.json when present
  std::shared_ptr<const Tokenizer> source;  // tokenizes inputs
  std::shared_ptr<const Tokenizer> target;  // detokenizes outputs (the same object when joint)
  ModelPaths paths;
  torch::ScalarType dtype = torch::kFloat;  // of the float weights
  std::string precision = "fp32";           // resolved: fp32 | bf16 | int8
};

struct ModelLoadOptions {
  std::string checkpoint;      // see resolve_model_paths ("" = best, else last, else model.pt)
  std::string device = "cpu";  // cpu | cuda | cuda:N
  std::string precision;       // fp32 | bf16 | int8 | auto; "" = the config's decode.precision
};

// Resolves, loads and prepares a model for decoding. Throws CheckpointError (missing or
// unreadable files, vocabulary sizes that do not match the model), ConfigError (bad precision or
// device), DataError (unreadable vocabulary).
DecodingModel load_decoding_model(const std::string& path, const ModelLoadOptions& options = {});

// Ensemble decoding (model/ensemble.h): loads every path as load_decoding_model does (one path:
// just that model) and combines them. The tokenizers, the config (decode defaults) and
// `precision` are the first model's; paths.model_file lists every file, joined by " + ". Throws
// ConfigError naming both models when their SentencePiece models differ (the vocabularies must be
// the same files, not just the same size).
DecodingModel load_decoding_ensemble(const std::vector<std::string>& paths,
                                     const ModelLoadOptions& options = {});

}  // namespace nmt
