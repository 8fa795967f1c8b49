// `nmt translate`: translates lines from a file or stdin into a file or stdout, one output record
// per input line in input order, flushing as batches complete (works in pipes). Decode defaults
// come from the model's config.json `decode` section; flags override them.
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "decode_options.h"
#include "input_lines.h"
#include "nmt/decoding/line_translator.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"
#include "translation_output.h"

namespace nmt::app {
namespace {

struct TranslateOptions {
  ModelOptions model;
  SearchFlags search;
  std::string input = "-";      // -i, "-" = stdin
  std::string output = "-";     // -o, "-" = stdout
  std::string format = "text";  // text | nbest | jsonl
  bool alignment = false;       // cross-attention alignments in the output
  int64_t chunk_lines = 2000;   // lines read, sorted and batched together
};

void run_translate(const TranslateOptions& o) {
  const OutputFormat format = parse_output_format(o.format);
  DecodingModel m = load_model(o.model);
  const DecodeConfig decode = o.search.apply(m.config.decode);
  TranslatorOptions topts = TranslatorOptions::from_config(decode, o.search.seed);
  topts.search.keep_attention = o.alignment;
  Translator translator(m.model, topts, torch::Device(check_device(o.model.runtime.device)));
  LineTranslator lines(translator, m.source, m.target, o.search.invalid_utf8);

  std::ofstream file;
  if (o.output != "-") {
    file.open(o.output, std::ios::binary);
    if (!file) throw DataError("cannot write " + o.output);
  }
  std::ostream& out = o.output == "-" ? std::cout : file;
  InputLines input(o.input);
  OrderedWriter writer(out, format, o.alignment, lines);
  std::vector<std::string> chunk;
  while (input.next_chunk(chunk, static_cast<size_t>(o.chunk_lines))) {
    const int64_t first = input.lines_read() - static_cast<int64_t>(chunk.size());
    writer.start_chunk(chunk, first);
    lines.translate(
        chunk, input.name(), first + 1,
        [&](const std::vector<size_t>& done, const std::vector<LineTranslation>& results) {
          writer.on_batch(done, results);
        });
  }
  out.flush();
  if (!out)
    throw DataError("error writing " + (o.output == "-" ? std::string("stdout") : o.output));
  log_throughput("translated", translator.stats());
}

}  // namespace

void add_translate_command(CLI::App& app) {
  auto o = std::make_shared<TranslateOptions>();
  CLI::App* cmd = app.add_subcommand("translate", "Translate text with a trained model");
  cmd->footer(
      "Examples:\n"
      "  nmt translate -m runs/en-de < test.en > hyp.de\n"
      "  nmt translate -m runs/en-de --beam 1 -i test.en.gz -o hyp.de\n"
      "  nmt translate -m runs/en-de --nbest 5 --format nbest < test.en\n"
      "  nmt translate -m runs/de-en --sample --top-p 0.9 --seed 7 < mono.de > back.en\n"
      "  nmt translate -m runs/en-de-seed1 -m runs/en-de-seed2 < test.en > hyp.de  (ensemble)\n"
      "Invalid UTF-8 in the input stops with an error naming the line (--invalid-utf8 skip writes "
      "an\n"
      "empty line instead). Every input line gives exactly one output line (nbest: one per "
      "hypothesis).");
  add_model_options(*cmd, o->model, /*ensemble=*/true);
  add_search_options(*cmd, o->search);
  cmd->add_option("-i,--input", o->input, "Input file, plain or gzip ('-' = stdin)")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Output file ('-' = stdout)")->capture_default_str();
  cmd->add_option("--format", o->format, "text, nbest (i ||| hyp ||| score) or jsonl")
      ->check(CLI::IsMember({"text", "nbest", "jsonl"}))
      ->capture_default_str();
  cmd->add_flag(
      "--alignment", o->alignment,
      "Add alignments: text: ' ||| src-tgt ...' pairs; jsonl: attention rows per target piece");
  cmd->add_option("--chunk-lines", o->chunk_lines, "Lines read and sorted together into batches")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->callback([o] { run_translate(*o); });
}

}  // namespace nmt::app
