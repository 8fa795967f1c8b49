#include "decode_options.h"

#include <cstdio>

#include "nmt/decoding/decoding_runtime.h"
#include "nmt/util/cpu_allocator.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// Adds --NAME bound to flags.values.*field; remembers how to copy it when given.
template <class T>
CLI::Option* add_flag_option(CLI::App& cmd, SearchFlags& flags, const std::string& name,
                             T DecodeConfig::*field, const std::string& help) {
  CLI::Option* opt = cmd.add_option(name, flags.values.*field, help);
  flags.given.emplace_back(opt,
                           [&flags, field](DecodeConfig& d) { d.*field = flags.values.*field; });
  return opt;
}

}  // namespace

void add_model_options(CLI::App& cmd, ModelOptions& options, bool ensemble) {
  options.ensemble = ensemble;
  cmd.add_option("-m,--model", options.paths,
                 std::string("Training run directory, exported model directory (config.json, "
                             "spm.model, model.pt) or model file") +
                     (ensemble ? "; given more than once, the models decode as an ensemble "
                                 "(mean log-probabilities; one shared vocabulary)"
                               : ""))
      ->required();
  cmd.add_option(
      "--checkpoint", options.checkpoint,
      "Checkpoint of a run directory: a name in checkpoints/ (best, last, step-0001000) or a path "
      "(default: best.pt, else last.pt)");
  cmd.add_option("--precision", options.precision,
                 "fp32, bf16 (weights converted; fast with AVX512-BF16/AMX), int8 (every Linear "
                 "quantized per row; CPU) or auto (default: the model's decode.precision)")
      ->check(CLI::IsMember({"fp32", "bf16", "int8", "auto"}));
  add_runtime_options(cmd, options.runtime);
}

DecodingModel load_model(const ModelOptions& options) {
  check_device(options.runtime.device);
  ModelLoadOptions load;
  load.checkpoint = options.checkpoint;
  load.device = options.runtime.device;
  load.precision = options.precision;
  if (options.paths.size() > 1 && !options.ensemble)
    throw ConfigError("-m was given " + std::to_string(options.paths.size()) +
                      " times: this command takes one model (ensembles: nmt translate, nmt eval)");
  if (options.paths.size() > 1 && !options.checkpoint.empty())
    throw ConfigError("--checkpoint names one run's checkpoint: with an ensemble, give each "
                      "model as -m PATH/checkpoints/NAME.pt instead");
  DecodingModel m = open_decoding_models(options.paths, load, options.runtime.threads);
  log::info("model ", m.paths.model_file, ": ", m.model->parameter_summary(), ", ",
            m.precision, ", ", torch::get_num_threads(), " threads");
  return m;
}

DecodeConfig SearchFlags::apply(DecodeConfig decode) const {
  for (const auto& [opt, set] : given)
    if (opt->count() > 0) set(decode);
  return decode;
}

void add_search_options(CLI::App& cmd, SearchFlags& flags, bool with_sampling) {
  add_flag_option(cmd, flags, "--beam", &DecodeConfig::beam, "Beam size (1 = greedy)")
      ->check(CLI::Range(1, 1024));
  add_flag_option(cmd, flags, "--length-penalty", &DecodeConfig::length_penalty,
                  "Alpha of the length normalisation")
      ->check(CLI::Range(0.0, 10.0));
  add_flag_option(cmd, flags, "--length-penalty-type", &DecodeConfig::length_penalty_type,
                  "gnmt: score / ((5+len)/6)^alpha; average: score / len^alpha; none")
      ->check(CLI::IsMember({"gnmt", "average", "none"}));
  add_flag_option(cmd, flags, "--max-length-a", &DecodeConfig::max_length_a,
                  "Output length limit a * source_length + b (a)")
      ->check(CLI::Range(0.0, 1000.0));
  add_flag_option(cmd, flags, "--max-length-b", &DecodeConfig::max_length_b,
                  "(b) of the length limit")
      ->check(CLI::Range(0, 1000000));
  add_flag_option(cmd, flags, "--min-length", &DecodeConfig::min_length,
                  "End of sentence forbidden before this many tokens")
      ->check(CLI::Range(0, 1000000));
  add_flag_option(
      cmd, flags, "--batch-tokens", &DecodeConfig::batch_tokens,
      "Batch budget: padded source tokens x hypotheses per sentence (beam; 1 for greedy)")
      ->check(CLI::Range(1, 1000000000));
  add_flag_option(cmd, flags, "--inter-threads", &DecodeConfig::inter_threads,
                  "Batches decoded in parallel on the CPU, each on --threads / N cores (0 = auto: "
                  "2 with 2 or more threads)")
      ->check(CLI::Range(0, 256));
  cmd.add_option("--invalid-utf8", flags.invalid_utf8,
                 "On an input line that is not UTF-8: error (stop, naming the line) or skip "
                 "(warn, write an empty line)")
      ->check(CLI::IsMember({"error", "skip"}));
  if (!with_sampling) return;
  add_flag_option(cmd, flags, "--nbest", &DecodeConfig::nbest,
                  "Hypotheses per input (<= beam; with --sample: samples per input)")
      ->check(CLI::Range(1, 1024));
  CLI::Option* sample = cmd.add_flag("--sample", flags.values.sample,
                                     "Sample translations instead of searching (back-translation)");
  flags.given.emplace_back(sample, [&flags](DecodeConfig& d) { d.sample = flags.values.sample; });
  add_flag_option(cmd, flags, "--temperature", &DecodeConfig::temperature, "Sampling temperature")
      ->check(CLI::Range(1e-6, 1e6));
  add_flag_option(cmd, flags, "--top-k", &DecodeConfig::top_k,
                  "Sample among the k most likely tokens (0 = all)")
      ->check(CLI::Range(0, 1000000000));
  add_flag_option(cmd, flags, "--top-p", &DecodeConfig::top_p, "Nucleus sampling mass (1 = all)")
      ->check(CLI::Range(1e-6, 1.0));
  cmd.add_option("--seed", flags.seed, "Seed of the sampling generator")->capture_default_str();
}

void log_throughput(const std::string& what, const TranslationStats& s) {
  const double secs = std::max(s.seconds, 1e-9);
  log::info(what, " ", s.sentences, " sentences (", s.source_tokens, " source, ", s.target_tokens,
            " target tokens) in ", fixed(s.seconds, 2), " s: ", fixed(s.sentences / secs, 1),
            " sentences/s, ", fixed(s.target_tokens / secs, 1), " target tokens/s; peak RSS ",
            fixed(peak_rss_mib(), 0), " MiB");
  const auto mem = cpu_allocator_stats();
  log::debug("large CPU blocks: peak live ", fixed(mem.peak_live_bytes / 1048576.0, 1),
             " MiB, cached ", fixed(mem.cached_bytes / 1048576.0, 1), " MiB, evicted ",
             fixed(mem.evicted_bytes / 1048576.0, 1), " MiB, ", mem.cache_hits, " of ",
             mem.allocations, " requests from the cache");
}

}  // namespace nmt::app
