// nmt: train, translate and score neural machine translation models. Each subcommand lives in
// its own file (see commands.h); this file only wires them up and maps errors onto exit codes:
// 0 success, 1 runtime error, 2 usage or configuration error.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "commands.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

int main(int argc, char** argv) {
  CLI::App app{"nmt: neural machine translation on LibTorch -- train, translate, score.", "nmt"};
  app.footer(
      "Examples:\n"
      "  nmt config --preset small                 print the resolved small preset\n"
      "  nmt vocab -i train.en -i train.de --vocab-size 8000 -o spm\n"
      "  nmt train --preset small --src train.en --tgt train.de --out runs/en-de\n"
      "  nmt translate -m runs/en-de < test.en > hyp.de\n"
      "  nmt bleu -r test.de < hyp.de\n"
      "  nmt serve -m runs/en-de                    HTTP API and page on 127.0.0.1:8080\n"
      "Run 'nmt COMMAND --help' for a command's options.");
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print versions, BLAS, threads and devices, then exit");

  nmt::app::add_version_command(app);
  nmt::app::add_config_command(app);
  nmt::app::add_bleu_command(app);
  nmt::app::add_vocab_command(app);
  nmt::app::add_train_command(app);
  nmt::app::add_average_command(app);
  nmt::app::add_quantize_command(app);
  nmt::app::add_translate_command(app);
  nmt::app::add_score_command(app);
  nmt::app::add_eval_command(app);
  nmt::app::add_report_command(app);
  nmt::app::add_attention_command(app);
  nmt::app::add_serve_command(app);

  try {
    app.parse(argc, argv);
    if (show_version) {
      nmt::app::print_version();
    } else if (app.get_subcommands().empty()) {
      std::cout << app.help();
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const nmt::ConfigError& e) {
    nmt::log::error(e.what());
    return 2;
  } catch (const std::exception& e) {
    nmt::log::error(e.what());
    return 1;
  }
  return 0;
}
