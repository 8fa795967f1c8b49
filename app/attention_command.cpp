// `nmt attention -m MODEL [-i FILE] -o OUT.html|OUT.svg`: per input sentence, heatmaps of the
// decoder's cross-attention (source pieces x translation pieces, averaged over heads; per layer
// and head on request) plus the encoder and decoder self-attention (transformer). Each input line
// is a source sentence, or "source<TAB>target" to draw the attention for a given target instead
// of the model's own translation. The work is in lib/nmt/report (attention_examples.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nmt/corpus/line_reader.h"
#include "nmt/report/attention_examples.h"
#include "nmt/report/attention_page.h"
#include "nmt/decoding/decoding_runtime.h"
#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

struct AttentionCommandOptions {
  std::string model;                     // -m: run directory or model file
  std::string checkpoint;                // --checkpoint: name or file ("" = best, else last)
  std::string input = "-";               // -i: sentences, one per line ("-" = stdin)
  std::string out;                       // -o: .html page or .svg picture ("-" = HTML on stdout)
  int64_t max_sentences = 20;            // later lines are skipped (pages grow with every map)
  report::AttentionExampleOptions draw;  // --beam, --layer, --head, --all-heads, --all-layers
  bool no_self = false;                  // --no-self: cross-attention only
  RuntimeOptions runtime;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> read_input(const std::string& input) {
  if (input != "-") return read_lines(input);
  std::vector<std::string> lines;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

void run_attention(AttentionCommandOptions& o) {
  const bool svg = ends_with(o.out, ".svg");
  if (!svg && !ends_with(o.out, ".html") && !ends_with(o.out, ".htm") && o.out != "-")
    throw ConfigError("-o " + o.out +
                      ": the output must end in .html or .svg (or be - for HTML on stdout)");
  check_device(o.runtime.device);
  if (o.runtime.device != "cpu")
    log::warn("attention: drawing on the CPU (--device ", o.runtime.device, " ignored)");

  std::vector<std::string> sources, targets;
  bool any_target = false;
  const std::string origin = o.input == "-" ? "stdin" : o.input;
  for (const std::string& line : read_input(o.input)) {
    if (static_cast<int64_t>(sources.size()) == o.max_sentences) {
      log::warn("attention: drawing the first ", o.max_sentences, " sentences of ", origin,
                " (raise --max-sentences for more)");
      break;
    }
    const auto tab = line.find('\t');
    sources.push_back(line.substr(0, tab));
    targets.push_back(tab == std::string::npos ? "" : line.substr(tab + 1));
    any_target = any_target || !targets.back().empty();
  }
  if (sources.empty()) throw DataError(origin + ": no sentences to draw");
  if (!any_target) targets.clear();

  ModelLoadOptions load;
  load.checkpoint = o.checkpoint;
  load.precision = "fp32";  // drawing runs on the CPU in float32
  DecodingModel model = open_decoding_model(o.model, load, o.runtime.threads);
  log::info("attention: ", model.paths.model_file, " (", model.model->parameter_summary(), "), ",
            sources.size(), sources.size() == 1 ? " sentence" : " sentences");
  o.draw.request.self_attention = !o.no_self;
  const auto sentences = report::attention_sentences(model, sources, targets, o.draw);
  const std::string text =
      svg ? report::attention_svg(sentences)
          : report::attention_html(sentences, "Attention \u00b7 " + model.paths.model_file);
  if (o.out == "-") {
    std::cout << text;
    return;
  }
  atomic_write_bytes(o.out, text);
  log::info("wrote ", o.out);
}

}  // namespace

void add_attention_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "attention", "Draw a model's attention for sentences as heatmaps (HTML or SVG)");
  cmd->footer(
      "Examples:\n"
      "  echo 'The house is small.' | nmt attention -m runs/en-de -o attention.html\n"
      "  nmt attention -m runs/en-de -i test.en -o attention.svg --all-heads --layer 1\n"
      "  printf 'The house.\\tDas Haus.\\n' | nmt attention -m model.pt -o forced.html   # given "
      "target");
  auto o = std::make_shared<AttentionCommandOptions>();
  cmd->add_option("-m,--model", o->model,
                  "Run directory or model file (spm.model beside it or one level up)")
      ->required();
  cmd->add_option("--checkpoint", o->checkpoint,
                  "Checkpoint of a run directory: best, last, step-N, or a file");
  cmd->add_option("-i,--input", o->input,
                  "Sentences, one per line; 'source<TAB>target' forces the target "
                  "(default: stdin)");
  cmd->add_option("-o,--out", o->out,
                  "Output: FILE.html (a page) or FILE.svg (one picture); - = HTML to stdout")
      ->required();
  cmd->add_option("--beam", o->draw.beam,
                  "Beam size of the translation (0 = the model's decode.beam)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--layer", o->draw.request.layer, "Layer to draw, counting from 1 (0 = the last)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--head", o->draw.request.head,
                  "Head to draw, counting from 1 (0 = the mean of all heads)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--all-heads", o->draw.request.all_heads,
                "Also draw every head of the layer separately");
  cmd->add_flag("--all-layers", o->draw.request.all_layers, "Draw every layer, not only --layer");
  cmd->add_flag("--no-self", o->no_self,
                "Cross-attention only (no encoder/decoder self-attention)");
  cmd->add_option("--max-sentences", o->max_sentences, "Draw at most this many input lines")
      ->check(CLI::Range(1, 100000));
  add_runtime_options(*cmd, o->runtime);
  cmd->callback([o] { run_attention(*o); });
}

}  // namespace nmt::app
