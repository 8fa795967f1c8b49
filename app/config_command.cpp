#include <iostream>

#include "commands.h"
#include "nmt/config/config.h"

namespace nmt::app {

void add_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("config",
                                 "Print a fully resolved config (defaults, preset, files, --set)");
  cmd->footer(
      "Examples:\n"
      "  nmt config --preset small\n"
      "  nmt config --preset small --set model.d_model=512 --set train.precision=fp32\n"
      "  nmt config --reference          # Markdown table of every key");
  auto sources = std::make_shared<ConfigSources>();
  auto reference = std::make_shared<bool>(false);
  add_config_options(*cmd, *sources);
  cmd->add_flag("--reference", *reference,
                "Print every key with its type, default and meaning (Markdown)");
  cmd->add_flag(
      "--list-presets",
      [](int64_t) {
        for (const auto& name : preset_names()) std::cout << name << "\n";
        throw CLI::Success();
      },
      "List the built-in presets");
  cmd->callback([sources, reference] {
    if (*reference) {
      std::cout << config_reference_markdown();
      return;
    }
    std::cout << to_json(load_config(*sources)).dump(2) << "\n";
  });
}

}  // namespace nmt::app
