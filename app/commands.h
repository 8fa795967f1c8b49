// Every subcommand is one file pair app/NAME_command.{h,cpp}'s worth of code exposing
// `add_NAME_command(CLI::App&)`, which declares its options and sets its callback. The
// callbacks throw nmt's error types; main() maps them onto exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/training/distributed.h"

namespace nmt::app {

void add_version_command(CLI::App& app);
void print_version();  // also behind `nmt --version`
void add_config_command(CLI::App& app);
void add_translate_command(CLI::App& app);  // translate_command.cpp
void add_score_command(CLI::App& app);      // score_command.cpp
void add_eval_command(CLI::App& app);       // eval_command.cpp
void add_bleu_command(CLI::App& app);       // sacreBLEU-exact BLEU, chrF, TER
void add_vocab_command(CLI::App& app);      // train a SentencePiece vocabulary
void add_train_command(CLI::App& app);      // train a model into a run directory, or resume one
void add_average_command(CLI::App& app);    // average checkpoints into one model
void add_quantize_command(CLI::App& app);   // int8 copy of a model
void add_report_command(CLI::App& app);     // HTML training report of a run directory
void add_attention_command(CLI::App& app);  // attention heatmaps of a model for sentences
void add_serve_command(CLI::App& app);      // HTTP translation server (serve_command.cpp)

// Options shared by every command that takes a config: --preset, --config, --set.
void add_config_options(CLI::App& cmd, ConfigSources& sources);
// --threads N and --device D; apply_runtime_options() sets them on LibTorch.
struct RuntimeOptions {
  int threads = 0;
  std::string device = "cpu";
};
void add_runtime_options(CLI::App& cmd, RuntimeOptions& options);
void apply_runtime_options(const RuntimeOptions& options);
// Decoding commands set LibTorch up through nmt/decoding/decoding_runtime.h instead.

// Data-parallel flags (app/distributed_options.cpp, docs/distributed.md).
struct DistributedFlags {
  int nproc = 0;                // > 1: launch that many local workers of this command instead
  int64_t world_size = 0;       // 0 = WORLD_SIZE from the environment, else 1
  int64_t rank = -1;            // -1 = RANK from the environment, else 0
  std::string master;           // HOST:PORT; "" = MASTER_ADDR:MASTER_PORT, else 127.0.0.1:29500
  double timeout_seconds = 60;  // bound on every wait for other ranks
};
void add_distributed_options(CLI::App& cmd, DistributedFlags& flags);
// This process's options: flags over the environment over the defaults. ConfigError when invalid.
DistributedOptions distributed_options(const DistributedFlags& flags, const std::string& device);
// With --nproc N > 1: runs N workers of this very command line (minus --nproc) and returns true
// when all succeeded; throws DistributedError naming the rank that failed (ConfigError when every
// failed worker rejected its options). Returns false without --nproc: train in this process.
bool launch_if_requested(const DistributedFlags& flags);

}  // namespace nmt::app
