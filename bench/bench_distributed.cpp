// Data-parallel throughput: target tokens/s of training steps (forward, loss, backward, gradient
// all-reduce, Adam) for 1 process and for N local worker processes on c10d/Gloo over loopback,
// with synthetic batches of a preset's model. Prints figures, asserts nothing.
//
//   bench_distributed [--preset tiny|small|base] [--batch-tokens N] [--steps N] [--warmup N]
//
// Every configuration runs as real processes started by launch_local_workers (the code path of
// `nmt train --nproc N`); each process gets cores/N intra-op threads. On a machine with few cores
// the workers compete for the same cores, so 2 workers cannot beat 1 process using both cores:
// the comparison shows what the gradient all-reduce costs (the "sync" column), not a speed-up.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/model/seq2seq.h"
#include "nmt/training/distributed.h"
#include "nmt/training/gradient_sync.h"
#include "nmt/training/launcher.h"
#include "nmt/util/system.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string preset = "tiny";
  int64_t batch_tokens = 0;  // 0 = the preset's data.batch_tokens
  int64_t steps = 20;
  int64_t warmup = 3;
  int threads = 0;  // per worker (set by the parent)
};

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int worker(const Args& args) {
  nmt::DistributedContext context(nmt::distributed_options_from_env());
  nmt::set_threads(args.threads);
  nmt::ConfigSources sources;
  sources.preset = args.preset;
  const nmt::Config config = nmt::load_config(sources);
  const int64_t vocab = config.data.vocab_size;
  const int64_t batch_tokens = args.batch_tokens > 0 ? args.batch_tokens : config.data.batch_tokens;
  torch::manual_seed(static_cast<uint64_t>(1 + context.rank()));
  nmt::Seq2Seq model = nmt::make_model(config.model, vocab, vocab);
  model->train();
  nmt::GradientSync sync(context, model->parameters());
  sync.broadcast_parameters(model->buffers());
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-4));

  // Sentences of 24 pieces (+ EOS / BOS): a typical length in Multi30k-sized data.
  const int64_t length = 25;
  const int64_t rows = std::max<int64_t>(1, batch_tokens / length);
  auto src = torch::randint(4, vocab, {rows, length}, torch::kInt64);
  auto tgt_in = torch::randint(4, vocab, {rows, length}, torch::kInt64);
  auto tgt_out = torch::randint(4, vocab, {rows, length}, torch::kInt64);

  double sync_seconds = 0.0;
  int64_t tokens_done = 0;
  Clock::time_point start;
  for (int64_t step = 0; step < args.warmup + args.steps; ++step) {
    if (step == args.warmup) {
      context.barrier("timing starts");
      start = Clock::now();
      sync_seconds = 0.0;
      tokens_done = 0;
    }
    const int64_t tokens = context.sum(tgt_out.numel(), "target tokens");
    optimizer.zero_grad();
    auto logits = model->forward(src, tgt_in);  // [rows, length, vocab]
    auto loss = torch::nn::functional::cross_entropy(
        logits.reshape({-1, vocab}), tgt_out.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    (loss / static_cast<double>(tokens)).backward();
    const auto before_sync = Clock::now();
    sync.all_reduce();
    sync_seconds += seconds(before_sync, Clock::now());
    optimizer.step();
    tokens_done += tokens;
  }
  const double elapsed = seconds(start, Clock::now());
  const double sync_mean =
      context.sum(std::vector<double>{sync_seconds}, "timings")[0] / context.world_size();
  if (context.is_primary()) {
    int64_t grad_bytes = 0;
    for (const auto& p : model->parameters())
      grad_bytes += p.numel() * static_cast<int64_t>(p.element_size());
    std::printf(
        "%-7s %7ld %8d %8ld %11.0f %9.1f %9.1f %6.1f%%  %s, %.1f MB gradients, %ld buckets\n",
        args.preset.c_str(), static_cast<long>(context.world_size()), args.threads,
        static_cast<long>(rows * length), static_cast<double>(tokens_done) / elapsed,
        1000.0 * elapsed / static_cast<double>(args.steps),
        1000.0 * sync_mean / static_cast<double>(args.steps), 100.0 * sync_mean / elapsed,
        context.backend().c_str(), static_cast<double>(grad_bytes) / (1 << 20),
        static_cast<long>(sync.bucket_count()));
    std::fflush(stdout);
  }
  context.barrier("done");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  bool is_worker = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--worker")
      is_worker = true;
    else if (a == "--preset" && has_value)
      args.preset = argv[++i];
    else if (a == "--batch-tokens" && has_value)
      args.batch_tokens = std::stoll(argv[++i]);
    else if (a == "--steps" && has_value)
      args.steps = std::stoll(argv[++i]);
    else if (a == "--warmup" && has_value)
      args.warmup = std::stoll(argv[++i]);
    else if (a == "--threads" && has_value)
      args.threads = std::stoi(argv[++i]);
    else {
      std::cerr << "usage: bench_distributed [--preset NAME] [--batch-tokens N] [--steps N] "
                   "[--warmup N]\n";
      return 2;
    }
  }
  try {
    if (is_worker) return worker(args);

    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::printf(
        "bench_distributed: %d cores; tokens/s = target tokens of all workers per second of wall "
        "time;\n"
        "sync = gradient all-reduce time per step (mean over workers), incl. waiting for the "
        "slower one\n\n",
        cores);
    std::printf("%-7s %7s %8s %8s %11s %9s %9s %7s\n", "preset", "workers", "threads", "tok/wkr",
                "tokens/s", "step ms", "sync ms", "sync");
    struct Run {
      int workers, threads;
    };
    for (const Run run :
         {Run{1, cores}, Run{1, std::max(1, cores / 2)}, Run{2, std::max(1, cores / 2)}}) {
      nmt::LaunchOptions launch;
      launch.nproc = run.workers;
      launch.args = {"--worker",
                     "--preset",
                     args.preset,
                     "--batch-tokens",
                     std::to_string(args.batch_tokens),
                     "--steps",
                     std::to_string(args.steps),
                     "--warmup",
                     std::to_string(args.warmup),
                     "--threads",
                     std::to_string(run.threads)};
      const auto result = nmt::launch_local_workers(launch);
      if (!result.ok()) {
        std::cerr << "error: " << result.describe() << "\n";
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
