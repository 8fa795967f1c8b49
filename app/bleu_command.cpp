// `nmt bleu`: score hypotheses against references with BLEU, chrF and TER as sacreBLEU 2.x
// does (same tokenization, smoothing, signatures and output formats). See docs/metrics.md.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nmt/metrics/bleu.h"
#include "nmt/metrics/chrf.h"
#include "nmt/metrics/ter.h"
#include "nmt/metrics/text_lines.h"
#include "nmt/util/error.h"
#include "nmt/util/error_location.h"
#include "nmt/util/line_counts.h"

namespace nmt::app {
namespace {

struct BleuCommandOptions {
  std::vector<std::string> refs;             // -r, one file per reference stream
  std::string input = "-";                   // -i, "-" = stdin
  std::vector<std::string> metrics{"bleu"};  // -m, any of bleu, chrf, ter
  bool sentence = false;                     // one score per line instead of a corpus score
  bool json = false;                         // sacreBLEU's JSON instead of its text line
  bool score_only = false;                   // print just the number(s)
  int width = 1;                             // decimals, as sacreBLEU's -w (default 1)
  std::string tokenize = "13a";
  std::string smooth = "exp";
  double smooth_value = 0.0;
  bool smooth_value_given = false;
  metrics::BleuOptions bleu;
  metrics::ChrfOptions chrf;
  metrics::TerOptions ter;
};

// Reads every file, checks line counts (naming both files and both counts) and that no
// segment is left without a reference.
struct Inputs {
  std::vector<std::string> hyps;
  std::vector<std::vector<std::string>> refs;
};

Inputs read_inputs(const BleuCommandOptions& o) {
  Inputs in;
  const std::string hyp_name = o.input == "-" ? "stdin" : o.input;
  for (const auto& path : o.refs) in.refs.push_back(metrics::read_text_lines(path));
  in.hyps = metrics::read_text_lines(o.input);
  if (in.hyps.empty()) throw DataError("no hypotheses: " + hyp_name + " is empty");
  for (std::size_t k = 0; k < o.refs.size(); ++k) {
    check_line_counts({hyp_name, static_cast<int64_t>(in.hyps.size())},
                      {o.refs[k], static_cast<int64_t>(in.refs[k].size())});
  }
  for (std::size_t i = 0; i < in.hyps.size(); ++i) {
    const bool any =
        std::any_of(in.refs.begin(), in.refs.end(), [&](const auto& r) { return !r[i].empty(); });
    if (!any) {
      std::string files;
      for (const auto& path : o.refs) files += (files.empty() ? "" : ", ") + path;
      throw DataError(line_message(
          files, static_cast<int64_t>(i + 1),
          "empty reference line (sacreBLEU 2.x needs at least one non-empty reference per line)"));
    }
  }
  return in;
}

// Scores one segment (sentence mode) or the corpus with one metric.
metrics::MetricScore score(const std::string& metric, const std::vector<std::string>& hyps,
                           const std::vector<std::vector<std::string>>& refs,
                           const BleuCommandOptions& o) {
  if (metric == "bleu") return metrics::corpus_bleu(hyps, refs, o.bleu);
  if (metric == "chrf") return metrics::corpus_chrf(hyps, refs, o.chrf);
  return metrics::corpus_ter(hyps, refs, o.ter);
}

// sacreBLEU's print_single_results: one result as is; several are right-aligned on " = ".
void print_text(const std::vector<std::string>& lines) {
  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.find(" = "));
  for (const auto& line : lines) {
    const std::size_t at = line.find(" = ");
    std::cout << (at == std::string::npos ? "" : std::string(width - at, ' ')) << line << "\n";
  }
}

void run(BleuCommandOptions o) {
  o.bleu.tokenize = metrics::parse_tokenizer(o.tokenize);
  o.bleu.smooth = metrics::parse_smoothing(o.smooth);
  if (o.smooth_value_given) o.bleu.smooth_value = o.smooth_value;
  // sacreBLEU evaluates metrics in name order whatever order they were given in.
  std::sort(o.metrics.begin(), o.metrics.end());
  o.metrics.erase(std::unique(o.metrics.begin(), o.metrics.end()), o.metrics.end());
  if (o.sentence && o.metrics.size() > 1) {
    throw ConfigError("--sentence scores one metric at a time (got --metrics with " +
                      std::to_string(o.metrics.size()) + ")");
  }
  const Inputs in = read_inputs(o);

  if (o.sentence) {
    o.bleu.effective_order = true;  // as sacreBLEU's --sentence-level
    for (std::size_t i = 0; i < in.hyps.size(); ++i) {
      std::vector<std::vector<std::string>> refs;
      for (const auto& stream : in.refs) refs.push_back({stream[i]});
      const auto s = score(o.metrics[0], {in.hyps[i]}, refs, o);
      std::cout << (o.json && !o.score_only ? s.to_json(o.width, /*indent=*/false)
                                            : s.format(o.width, true, o.score_only))
                << "\n";
    }
    return;
  }
  std::vector<std::string> results;
  for (const auto& metric : o.metrics) {
    const auto s = score(metric, in.hyps, in.refs, o);
    results.push_back(o.json && !o.score_only ? s.to_json(o.width)
                                              : s.format(o.width, true, o.score_only));
  }
  if (o.json && !o.score_only && results.size() > 1) {
    std::cout << "[\n";
    for (std::size_t i = 0; i < results.size(); ++i)
      std::cout << results[i] << (i + 1 < results.size() ? ",\n" : "\n");
    std::cout << "]\n";
  } else if (o.score_only || o.json) {
    for (const auto& r : results) std::cout << r << "\n";
  } else {
    print_text(results);
  }
}

}  // namespace

void add_bleu_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bleu", "Score translations with BLEU, chrF and TER, exactly as sacreBLEU 2.x");
  cmd->footer(
      "Examples:\n"
      "  nmt bleu -r test.de < hyp.de                    BLEU with sacreBLEU's defaults\n"
      "  nmt bleu -r ref1.de -r ref2.de -i hyp.de -m bleu,chrf,ter\n"
      "  nmt bleu -r test.de -i hyp.de -m chrf --chrf-word-order 2   (chrF++)\n"
      "  nmt bleu -r test.de -i hyp.de --sentence        one score per line\n"
      "Output: \"BLEU|<signature> = <score> <details>\"; --json gives sacreBLEU's JSON.");
  auto o = std::make_shared<BleuCommandOptions>();
  cmd->add_option("-r,--ref", o->refs, "Reference file; repeat for several references")->required();
  cmd->add_option("-i,--input", o->input, "Hypotheses, one per line (default: stdin)");
  cmd->add_option("-m,--metrics", o->metrics,
                  "Metrics: bleu, chrf, ter (comma-separated; default bleu)")
      ->delimiter(',')
      ->check(CLI::IsMember({"bleu", "chrf", "ter"}));
  cmd->add_flag("--sentence", o->sentence,
                "Score each line separately (BLEU then uses effective order)");
  cmd->add_flag("--json", o->json, "Print sacreBLEU's JSON (JSON Lines with --sentence)");
  cmd->add_flag("-b,--score-only", o->score_only, "Print only the score");
  cmd->add_option("-w,--width", o->width, "Decimals of the printed score")
      ->capture_default_str()
      ->check(CLI::Range(0, 16));

  cmd->add_option("--tokenize", o->tokenize, "BLEU tokenizer")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "13a", "intl", "char"}));
  cmd->add_flag("--lowercase", o->bleu.lowercase, "Case-insensitive BLEU");
  cmd->add_option("--smooth", o->smooth, "BLEU smoothing")
      ->capture_default_str()
      ->check(CLI::IsMember({"exp", "floor", "add-k", "none"}));
  auto* value = cmd->add_option("--smooth-value", o->smooth_value,
                                "Value for floor (default 0.1) or add-k (default 1)");

  cmd->add_option("--chrf-char-order", o->chrf.char_order, "chrF character n-gram order")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--chrf-word-order", o->chrf.word_order, "chrF word n-gram order (2 = chrF++)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_option("--chrf-beta", o->chrf.beta, "chrF recall weight")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_flag("--chrf-lowercase", o->chrf.lowercase, "Case-insensitive chrF");
  cmd->add_flag("--chrf-whitespace", o->chrf.whitespace,
                "Keep whitespace in chrF's character n-grams");
  cmd->add_flag("--chrf-eps-smoothing", o->chrf.eps_smoothing,
                "chrF++.py's epsilon smoothing instead of effective order");

  cmd->add_flag("--ter-case-sensitive", o->ter.case_sensitive, "Case-sensitive TER");
  cmd->add_flag("--ter-normalized", o->ter.normalized,
                "Tercom's normalization and punctuation splitting");
  cmd->add_flag("--ter-no-punct", o->ter.no_punct, "Remove punctuation before TER");
  cmd->add_flag("--ter-asian-support", o->ter.asian_support, "Tercom's CJK handling");

  cmd->callback([o, value] {
    o->smooth_value_given = value->count() > 0;
    run(*o);
  });
}

}  // namespace nmt::app
