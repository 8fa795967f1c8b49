// Options shared by the commands that decode with a trained model (translate, eval, score):
// which model (-m, --checkpoint), how to run it (--precision, --threads, --device) and how to
// search (--beam, --nbest, ...). Search flags override the model's config.json `decode` section
// only when given, so a model directory carries its own tuned defaults.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/decoding/translator.h"

namespace nmt::app {

struct ModelOptions {
  // -m: run directory, exported model directory or model file; more than one = an ensemble
  // (where the command allows it: add_model_options' `ensemble`).
  std::vector<std::string> paths;
  bool ensemble = false;
  std::string checkpoint;  // --checkpoint NAME_OR_PATH
  std::string precision;   // --precision fp32|bf16|auto ("" = the config's decode.precision)
  RuntimeOptions runtime;  // --threads, --device
};
void add_model_options(CLI::App& cmd, ModelOptions& options, bool ensemble = false);
// Applies the runtime options, loads the model (or the ensemble) and logs what was loaded. Throws
// ConfigError for several -m where the command takes one.
DecodingModel load_model(const ModelOptions& options);

// Search flags: parsed into `values`; only those given on the command line are applied.
struct SearchFlags {
  DecodeConfig values;
  uint64_t seed = 1234;                // --seed (sampling)
  std::string invalid_utf8 = "error";  // --invalid-utf8 error|skip
  std::vector<std::pair<CLI::Option*, std::function<void(DecodeConfig&)>>> given;

  // `decode` with every flag given on the command line applied over it.
  DecodeConfig apply(DecodeConfig decode) const;
};
// --beam --nbest --length-penalty --length-penalty-type --max-length-a --max-length-b
// --min-length --batch-tokens --sample --temperature --top-k --top-p --seed --invalid-utf8;
// `with_sampling` false leaves out --nbest and the sampling flags (eval writes one hypothesis).
void add_search_options(CLI::App& cmd, SearchFlags& flags, bool with_sampling = true);

// The stderr summary: "translated N sentences in T s: S sentences/s, W target tokens/s (...)".
void log_throughput(const std::string& what, const TranslationStats& stats);

}  // namespace nmt::app
