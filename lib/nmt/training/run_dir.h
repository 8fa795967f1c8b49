// The run directory of `nmt train --out RUN_DIR`: created for a new run, reopened by --resume,
// and prepared (vocabulary, config.json) before the first step, so the directory alone describes
// the model and resuming needs no other flags:
//
//   RUN_DIR/config.json                    the resolved config (written before training starts)
//   RUN_DIR/spm.model, spm.vocab           the vocabulary (or spm.src.* + spm.tgt.*, one per side)
//   RUN_DIR/checkpoints/{step-N,last,best}.pt (training/checkpoint_files.h) RUN_DIR/metrics.jsonl,
//   RUN_DIR/train.log                           (training/run_log.h) RUN_DIR/report.html with
//   train.report           (report/run_report.h)
//
// The names shared with exported model directories (config.json, checkpoints/, last.pt, best.pt)
// are decoding/model_dir.h's, which also loads a run directory for decoding; the vocabulary's are
// corpus/vocabularies.h's. This file adds the names only a training run writes.
#pragma once

#include <memory>
#include <string>

#include "nmt/config/config.h"
#include "nmt/corpus/vocabularies.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/model/seq2seq.h"
#include "nmt/training/checkpoint.h"
#include "nmt/training/distributed.h"
#include "nmt/training/validator.h"

namespace nmt {

constexpr const char* kMetricsFile = "metrics.jsonl";  // one JSON object per event
constexpr const char* kTrainLogFile = "train.log";     // the human-readable log
constexpr const char* kReportFile = "report.html";     // the training report

// RUN_DIR/config.json, RUN_DIR/checkpoints/last.pt.
std::string run_config_path(const std::string& run_dir);
std::string run_last_checkpoint_path(const std::string& run_dir);

// Names a missing training or validation file (or --vocab model) before anything is written, so
// a typo leaves no half-made run directory behind. Throws DataError (exit 1, as for any
// unreadable data).
void check_training_inputs(const DataConfig& data);

// Creates the directory of a new run. Throws ConfigError when it exists and is not empty (it
// says how to continue that run instead). In a data-parallel job only rank 0 calls it.
void create_run_dir(const std::string& run_dir);

// The config of a resumed run: RUN_DIR/config.json, then `sources` (--config files, --set) on
// top. Throws ConfigError when RUN_DIR has no config.json.
Config load_run_config(const std::string& run_dir, const ConfigSources& sources);

// The first key of the model section that differs between `a` and `b`, "" when none does.
std::string changed_model_key(const Config& a, const Config& b);

// RUN_DIR/checkpoints/last.pt, to continue from. Throws ConfigError when `config` (the resumed
// run's, with its changes) changes a model key: a run's model cannot change when resuming.
Checkpoint load_resume_checkpoint(const std::string& run_dir, const Config& config);

// Writes the run directory's vocabulary (prepare_vocabularies: copied or trained with `threads`)
// and config.json on rank 0, then waits until every rank of `context` gets there; the other
// ranks read the vocabulary rank 0 left (RUN_DIR must be on a file system every rank sees).
Vocabularies prepare_run_dir(const std::string& run_dir, const Config& config, int threads,
                             DistributedContext& context);

// The model to train: the checkpoint's when resuming (`checkpoint` not null), else a new one
// seeded with train.seed. Throws CheckpointError when its vocabulary sizes differ from `vocab`'s.
Seq2Seq make_run_model(const Config& config, const Vocabularies& vocab,
                       const Checkpoint* checkpoint);

// The validator of data.valid_src/valid_tgt with train.valid_beam and the decode section;
// nullptr when the run has no validation set.
std::unique_ptr<Validator> make_run_validator(const Config& config, const Vocabularies& vocab);

}  // namespace nmt
