// `nmt score`: the model's log-probability of each (source, target) pair by forced decoding, one
// line per pair (like marian-scorer): the sum over the target's pieces and its EOS, or with
// --normalize the average per piece (EOS counted).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "decode_options.h"
#include "nmt/corpus/line_reader.h"
#include "nmt/decoding/pair_scorer.h"
#include "nmt/util/error.h"
#include "nmt/util/line_counts.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"
#include "nmt/util/utf8.h"

namespace nmt::app {
namespace {

struct ScoreOptions {
  ModelOptions model;
  std::string src, tgt;         // --src / --tgt: parallel files (plain or gzip)
  std::string output = "-";     // -o
  bool normalize = false;       // average per target token instead of the sum
  std::string format = "text";  // text | jsonl (with per-token log-probs)
  int64_t batch_tokens = 0;     // 0 = the model's decode.batch_tokens
  int64_t chunk_lines = 10000;
};

std::vector<int64_t> tokenize(const Tokenizer& tok, const std::string& line,
                              const std::string& file, int64_t n) {
  const size_t bad = find_invalid_utf8(line);
  if (bad != std::string::npos) throw DataError(invalid_utf8_message(file, n, bad));
  const auto ids = tok.encode(line);
  return {ids.begin(), ids.end()};
}

void run_score(const ScoreOptions& o) {
  DecodingModel m = load_model(o.model);
  const int64_t budget = o.batch_tokens > 0 ? o.batch_tokens : m.config.decode.batch_tokens;
  PairScorer scorer(m.model, budget, torch::Device(check_device(o.model.runtime.device)));
  std::ofstream file;
  if (o.output != "-") {
    file.open(o.output, std::ios::binary);
    if (!file) throw DataError("cannot write " + o.output);
  }
  std::ostream& out = o.output == "-" ? std::cout : file;

  LineReader src(o.src), tgt(o.tgt);
  int64_t pairs = 0, tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  std::string s, t;
  while (true) {
    std::vector<std::vector<int64_t>> sources, targets;
    const int64_t first = pairs + 1;
    while (static_cast<int64_t>(sources.size()) < o.chunk_lines) {
      const bool has_s = src.next(s), has_t = tgt.next(t);
      if (has_s != has_t)
        check_line_counts({has_s ? o.tgt : o.src, pairs},
                          {has_s ? o.src : o.tgt, pairs + 1, /*at_least=*/true});
      if (!has_s) break;
      ++pairs;
      sources.push_back(tokenize(*m.source, s, o.src, pairs));
      targets.push_back(tokenize(*m.target, t, o.tgt, pairs));
    }
    if (sources.empty()) break;
    const auto scores = scorer.score(sources, targets, o.src, first);
    for (size_t i = 0; i < scores.size(); ++i) {
      const double n = static_cast<double>(scores[i].token_log_probs.size());
      tokens += static_cast<int64_t>(n);
      const double value = o.normalize ? scores[i].log_prob / n : scores[i].log_prob;
      if (o.format == "jsonl") {
        nlohmann::json j;
        j["line"] = first + static_cast<int64_t>(i);
        j["score"] = value;
        j["log_prob"] = scores[i].log_prob;
        j["tokens"] = static_cast<int64_t>(n);
        j["token_log_probs"] = scores[i].token_log_probs;
        out << j.dump() << "\n";
      } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", value);
        out << buf << "\n";
      }
    }
    out.flush();
  }
  if (!out)
    throw DataError("error writing " + (o.output == "-" ? std::string("stdout") : o.output));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::info("scored ", pairs, " pairs (", tokens, " target tokens) in ", secs, " s");
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand(
      "score", "Score parallel sentences with a trained model (forced decoding)");
  cmd->footer(
      "Prints one log-probability per pair: the sum over the target's pieces and its "
      "end-of-sentence,\n"
      "or with --normalize the average per piece. Equals the log_prob `nmt translate --format "
      "jsonl`\n"
      "reports for its own output.\n"
      "Example:\n"
      "  nmt score -m runs/en-de --src test.en --tgt test.de > scores.txt");
  add_model_options(*cmd, o->model);
  cmd->add_option("--src", o->src, "Source file (plain or gzip)")->required();
  cmd->add_option("--tgt", o->tgt, "Target file, parallel to --src")->required();
  cmd->add_option("-o,--output", o->output, "Output file ('-' = stdout)")->capture_default_str();
  cmd->add_flag("--normalize", o->normalize,
                "Average log-probability per target token instead of the sum");
  cmd->add_option("--format", o->format,
                  "text (one number per line) or jsonl (with per-token log-probs)")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("--batch-tokens", o->batch_tokens,
                  "Tokens per batch (default: the model's decode.batch_tokens)")
      ->check(CLI::Range(1, 1000000000));
  cmd->callback([o] { run_score(*o); });
}

}  // namespace nmt::app
