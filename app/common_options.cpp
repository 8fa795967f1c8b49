#include "commands.h"

#include "nmt/util/system.h"

namespace nmt::app {

void add_config_options(CLI::App& cmd, ConfigSources& sources) {
  cmd.add_option("--preset", sources.preset,
                 "Start from a built-in preset (tiny, small, base, big)");
  cmd.add_option("-c,--config", sources.files,
                 "JSON config file(s), applied in order over the preset");
  cmd.add_option("--set", sources.overrides,
                 "Override one key, e.g. --set train.lr=3e-4 (repeatable)")
      ->type_name("KEY=VALUE");
}

void add_runtime_options(CLI::App& cmd, RuntimeOptions& options) {
  cmd.add_option("--threads", options.threads, "Intra-op threads (0 = the cores available)")
      ->check(CLI::Range(0, 4096));
  cmd.add_option("--device", options.device, "cpu, cuda or cuda:N");
}

void apply_runtime_options(const RuntimeOptions& options) {
  check_device(options.device);
  set_threads(options.threads);
}

}  // namespace nmt::app
