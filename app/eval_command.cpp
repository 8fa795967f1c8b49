// `nmt eval`: translates a test set (same options as `nmt translate`), optionally writes the
// hypotheses, and prints corpus BLEU and chrF against one or more references, each with its
// sacreBLEU signature, so a reported score says exactly how it was computed.
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "decode_options.h"
#include "input_lines.h"
#include "nmt/decoding/line_translator.h"
#include "nmt/metrics/bleu.h"
#include "nmt/metrics/chrf.h"
#include "nmt/metrics/text_lines.h"
#include "nmt/util/error.h"
#include "nmt/util/line_counts.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

struct EvalOptions {
  ModelOptions model;
  SearchFlags search;
  std::string src;                // --src: source file (plain or gzip)
  std::vector<std::string> refs;  // --ref: reference files, one stream each
  std::string output;             // -o: write the hypotheses here ("" = do not)
  std::string tokenize = "13a";   // BLEU tokenizer
  int width = 1;                  // decimals printed
};

void run_eval(const EvalOptions& o) {
  std::vector<std::vector<std::string>> refs;
  for (const auto& path : o.refs) refs.push_back(metrics::read_text_lines(path));
  metrics::BleuOptions bleu_options;
  bleu_options.tokenize = metrics::parse_tokenizer(o.tokenize);

  DecodingModel m = load_model(o.model);
  DecodeConfig decode = o.search.apply(m.config.decode);
  decode.nbest = 1;
  decode.sample = false;
  Translator translator(m.model, TranslatorOptions::from_config(decode),
                        torch::Device(check_device(o.model.runtime.device)));
  LineTranslator lines(translator, m.source, m.target, o.search.invalid_utf8);

  std::vector<std::string> hyps;
  InputLines input(o.src);
  std::vector<std::string> chunk;
  while (input.next_chunk(chunk, 5000)) {
    const int64_t first = input.lines_read() - static_cast<int64_t>(chunk.size()) + 1;
    for (auto& t : lines.translate(chunk, input.name(), first)) hyps.push_back(t.texts.front());
  }
  log_throughput("translated", translator.stats());
  for (size_t k = 0; k < refs.size(); ++k)
    check_line_counts({input.name(), static_cast<int64_t>(hyps.size())},
                      {o.refs[k], static_cast<int64_t>(refs[k].size())});
  if (!o.output.empty()) {
    std::ofstream out(o.output, std::ios::binary);
    for (const auto& h : hyps) out << h << "\n";
    if (!out) throw DataError("cannot write " + o.output);
  }
  std::cout << metrics::corpus_bleu(hyps, refs, bleu_options).format(o.width) << "\n"
            << metrics::corpus_chrf(hyps, refs).format(o.width) << "\n";
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Translate a test set and score it with BLEU and chrF");
  cmd->footer(
      "Example:\n"
      "  nmt eval -m runs/en-de --src test.en --ref test.de -o hyp.de\n"
      "prints 'BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0 = ...' and the chrF "
      "line.");
  add_model_options(*cmd, o->model, /*ensemble=*/true);
  add_search_options(*cmd, o->search, /*with_sampling=*/false);
  cmd->add_option("--src", o->src, "Source file (plain or gzip; '-' = stdin)")->required();
  cmd->add_option("--ref", o->refs, "Reference file (repeat for several references)")->required();
  cmd->add_option("-o,--output", o->output, "Also write the hypotheses to this file");
  cmd->add_option("--tokenize", o->tokenize, "BLEU tokenizer (13a, intl, char, none, ...)")
      ->capture_default_str();
  cmd->add_option("-w,--width", o->width, "Decimals printed")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace nmt::app
