// What `-m PATH` of `nmt translate`, `nmt score` and `nmt eval` points at, resolved and loaded.
//
// PATH may be
//   (a) a training run directory (written by `nmt train --out RUN_DIR`):
//         RUN_DIR/config.json, RUN_DIR/spm.model, RUN_DIR/checkpoints/{best,last,step-N}.pt
//       the model is checkpoints/best.pt, else checkpoints/last.pt, unless a checkpoint is named;
//   (b) an exported model directory: DIR/config.json, DIR/spm.model, DIR/model.pt;
//   (c) a model or checkpoint file: its vocabulary and config.json are looked up next to it (or
//       one level up, for RUN_DIR/checkpoints/X.pt).
// The vocabulary is spm.model (joint), or spm.src.model + spm.tgt.model (one per side).
// The model file carries its own config (architecture and sizes), so no flags describe the model;
// config.json, when present, supplies the `decode` defaults (edit it to change them).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/tokenizer.h"
#include "nmt/util/autocast.h"

namespace nmt {

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

// The decoding precision ("fp32" | "bf16" | "auto") is resolved by nmt::resolve_precision
// (util/autocast.h), the same function training uses.

struct DecodingModel {
  Seq2Seq model;   // eval mode, no gradients needed, on the device, in the decoding precision
  Config config;   // model section from the model file; the rest from config.json when present
  std::shared_ptr<const Tokenizer> source;  // tokenizes inputs
  std::shared_ptr<const Tokenizer> target;  // detokenizes outputs (the same object when joint)
  ModelPaths paths;
  torch::ScalarType dtype = torch::kFloat;  // of the weights
};

struct ModelLoadOptions {
  std::string checkpoint;         // see resolve_model_paths ("" = best, else last, else model.pt)
  std::string device = "cpu";     // cpu | cuda | cuda:N
  std::string precision;          // fp32 | bf16 | auto; "" = the config's decode.precision
};

// Resolves, loads and prepares a model for decoding. Throws CheckpointError (missing or
// unreadable files, vocabulary sizes that do not match the model), ConfigError (bad precision or
// device), DataError (unreadable vocabulary).
DecodingModel load_decoding_model(const std::string& path, const ModelLoadOptions& options = {});

}  // namespace nmt
