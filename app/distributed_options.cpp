// The data-parallel flags of `nmt train` (docs/distributed.md): they map onto DistributedOptions
// (lib/nmt/training/distributed.h), over the torchrun environment variables; --nproc turns this
// process into the launcher of local workers (lib/nmt/training/launcher.h).
#include <chrono>
#include <cmath>

#include "commands.h"
#include "nmt/training/launcher.h"
#include "nmt/util/error.h"

namespace nmt::app {

void add_distributed_options(CLI::App& cmd, DistributedFlags& flags) {
  const char* group = "Distributed (docs/distributed.md)";
  cmd.add_option("--nproc", flags.nproc,
                 "Start N local worker processes of this command (data parallel) and wait for them")
      ->check(CLI::Range(1, 1024))
      ->group(group);
  cmd.add_option("--world-size", flags.world_size,
                 "Processes in the whole job (default: WORLD_SIZE, else 1)")
      ->check(CLI::Range(1, 1 << 20))
      ->group(group);
  cmd.add_option("--rank", flags.rank,
                 "This process's rank in [0, world size) (default: RANK, else 0)")
      ->check(CLI::Range(0, 1 << 20))
      ->group(group);
  cmd.add_option("--master", flags.master,
                 "HOST:PORT where rank 0 serves the rendezvous (default: MASTER_ADDR:MASTER_PORT)")
      ->group(group);
  cmd.add_option("--dist-timeout", flags.timeout_seconds,
                 "Seconds any rank waits for the others (joining, each all-reduce) before failing")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->group(group);
}

DistributedOptions distributed_options(const DistributedFlags& flags, const std::string& device) {
  DistributedOptions options = distributed_options_from_env();
  if (flags.world_size > 0) options.world_size = flags.world_size;
  if (flags.rank >= 0) options.rank = flags.rank;
  if (!flags.master.empty()) parse_master_address(flags.master, options, "--master");
  options.timeout =
      std::chrono::milliseconds(static_cast<int64_t>(std::llround(flags.timeout_seconds * 1000)));
  options.device = device;
  validate(options);
  return options;
}

bool launch_if_requested(const DistributedFlags& flags) {
  if (flags.nproc <= 1) return false;
  if (flags.world_size > 0 || flags.rank >= 0 || !flags.master.empty() ||
      std::getenv("WORLD_SIZE") != nullptr)
    throw ConfigError(
        "--nproc starts a job of its own: it cannot be combined with --world-size, --rank, "
        "--master or WORLD_SIZE in the environment");
  std::vector<std::string> command = own_command_line();
  if (command.empty()) throw std::runtime_error("--nproc: cannot read this process's command line");
  LaunchOptions launch;
  launch.nproc = flags.nproc;
  launch.args =
      without_option(std::vector<std::string>(command.begin() + 1, command.end()), "--nproc");
  const LaunchResult result = launch_local_workers(launch);
  if (result.ok()) return true;
  const std::string message = "distributed: " + result.describe();
  // Workers that all rejected their options already printed why: keep the usage exit code.
  bool all_usage_errors = true;
  for (const auto& w : result.workers)
    all_usage_errors = all_usage_errors && (w.ok() || w.exit_code == 2);
  if (all_usage_errors) throw ConfigError(message);
  throw DistributedError(message);
}

}  // namespace nmt::app
