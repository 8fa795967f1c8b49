// Model files: a model's parameters plus everything needed to rebuild it (the resolved config and
// the vocabulary sizes), so loading needs no architecture flags.
//
// Format: a torch::serialize archive (a zip, as torch::save writes) holding
//   "model"           sub-archive: parameters and buffers, nested by submodule (Module::save
//   layout) "config"          string: the full resolved Config as JSON (to_json), model section =
//   the model's "src_vocab"       int: source vocabulary size "tgt_vocab"       int: target
//   vocabulary size "format_version"  int: kModelFormatVersion
//   "quantization"    string, only in int8 models (nmt quantize): "int8"; their Linear layers
//                     hold `weight_int8`/`weight_scale` buffers and an empty `weight` (linear.h)
// The trainer puts the same keys (write_model) into its checkpoint archives beside the optimizer
// state, so a checkpoint is also a model file.
#pragma once

#include <torch/torch.h>

#include <string>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"

namespace nmt {

constexpr int64_t kModelFormatVersion = 1;

struct LoadedModel {
  Seq2Seq model;  // in training mode, float32 (int8 Linears for an int8 file), on the CPU
  Config config;  // the config stored in the file
};

// Writes the keys above into `archive` (config.model is replaced by model.config()).
void write_model(torch::serialize::OutputArchive& archive, const Seq2SeqImpl& model,
                 const Config& config);

// Rebuilds the model from `archive`. `origin` (a file name) is named in errors. Throws
// CheckpointError when a key is missing, the version is unknown, or a parameter is missing or has
// another shape than the stored config implies.
LoadedModel read_model(torch::serialize::InputArchive& archive, const std::string& origin);

// Saves atomically (PATH.tmp, fsync, rename): a crash never leaves a truncated file at `path`.
void save_model_file(const std::string& path, const Seq2SeqImpl& model, const Config& config);

// Throws CheckpointError naming `path` when it is missing, unreadable, truncated, not a model file,
// or inconsistent with its config.
LoadedModel load_model_file(const std::string& path);

}  // namespace nmt
