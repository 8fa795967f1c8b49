// `nmt report RUN_DIR -o report.html`: the training report of a run directory as one
// self-contained HTML page (learning curves, config, best scores, attention examples,
// positional encodings). The work is lib/nmt/report/run_report.h's; this maps options onto it.
#include <iostream>

#include "commands.h"
#include "nmt/report/html_report.h"
#include "nmt/report/run_report.h"
#include "nmt/util/log.h"

namespace nmt::app {

void add_report_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("report", "Write a run's training report as one self-contained HTML page");
  cmd->footer(
      "Examples:\n"
      "  nmt report runs/en-de                       writes runs/en-de/report.html\n"
      "  nmt report runs/en-de -o /tmp/en-de.html --examples 5\n"
      "  nmt report runs/en-de --no-model -o -       curves, config and scores only, to stdout");
  struct Options {
    std::string run_dir;
    std::string out;
    report::RunReportOptions report;
    bool no_model = false;
    RuntimeOptions runtime;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("run_dir", o->run_dir, "Run directory written by `nmt train --out`")->required();
  cmd->add_option("-o,--out", o->out, "Output file (default RUN_DIR/report.html; - = stdout)");
  cmd->add_option("--examples", o->report.examples,
                  "Validation sentences drawn with their cross-attention")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--max-example-pieces", o->report.max_example_pieces,
                  "Skip validation sentences with more source pieces than this")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--positions", o->report.positions,
                  "Positions shown in the positional-encoding picture")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--checkpoint", o->report.checkpoint,
                  "Model file to use (default checkpoints/best.pt, else last.pt)");
  cmd->add_flag("--no-model", o->no_model,
                "Do not load a checkpoint (no examples, no parameter count)");
  add_runtime_options(*cmd, o->runtime);
  cmd->callback([o] {
    apply_runtime_options(o->runtime);
    o->report.use_model = !o->no_model;
    if (o->out == "-") {
      std::cout << report::html_report(report::collect_report_data(o->run_dir, o->report));
      return;
    }
    const std::string path = report::write_run_report(o->run_dir, o->report, o->out);
    log::info("wrote ", path);
  });
}

}  // namespace nmt::app
