// The model and vocabularies that `nmt attention -m PATH` and the run report draw with.
//
// Deliberately minimal and kept in this one file pair: the decoding layer is getting the full
// loader (`load_decoding_model` in decoding/model_dir.h: exported model directories, precision,
// devices, vocabulary-size checks). When it lands, callers switch to it and this pair goes away;
// the struct below mirrors the fields of its DecodingModel that the report uses.
//
// PATH may be
//   a run directory    RUN_DIR/checkpoints/best.pt, else last.pt, else RUN_DIR/model.pt;
//   a model file       any .pt readable by load_model_file (a checkpoint is one).
// The vocabulary is spm.model (joint) or spm.src.model + spm.tgt.model, looked up in the model's
// directory and then one level up (RUN_DIR/checkpoints/X.pt has it in RUN_DIR).
#pragma once

#include <memory>
#include <string>

#include "nmt/config/config.h"
#include "nmt/model/seq2seq.h"
#include "nmt/text/tokenizer.h"

namespace nmt::report {

struct ReportModel {
  Seq2Seq model;                            // eval mode, float32, on the CPU
  Config config;                            // as stored in the model file
  std::shared_ptr<const Tokenizer> source;  // tokenizes inputs
  std::shared_ptr<const Tokenizer> target;  // pieces of outputs (the same object when joint)
  std::string model_file;                   // the .pt file loaded
};

// The model file PATH names (see above); `checkpoint` ("" = default) overrides it with a file path
// or a name in RUN_DIR/checkpoints/ ("best", "step-0001000.pt"). Throws CheckpointError naming
// where it looked.
std::string resolve_model_file(const std::string& path, const std::string& checkpoint = "");

// Loads the model file and its vocabularies. Throws CheckpointError when a file is missing or
// unreadable or a vocabulary is smaller than the model's embedding, DataError for a broken
// SentencePiece model.
ReportModel load_report_model(const std::string& path, const std::string& checkpoint = "");

}  // namespace nmt::report
