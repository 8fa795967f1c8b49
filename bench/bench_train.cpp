// End-to-end training throughput on real data: the `small` preset on Multi30k (en-de) batches
// from the real batcher and prefetcher, through the real Trainer (loss, backward, clipping,
// Adam, bf16 autocast), in fp32 and in bf16. Prints target tokens/s (real and padded), model
// FLOP utilisation against this machine's measured matmul peaks, peak RSS, where an update's time
// goes (the Trainer's phase clock over the timed updates, then LibTorch's op profiler over a few
// more), and the throughput again with one core kept busy by a spinning process of its own.
//
//   bench_train [DATA_DIR=../shared/data/multi30k] [--spm FILE.model] [--steps 30] [--warmup 5]
//               [--threads N] [--precision both|fp32|bf16] [--preset small] [--batch-tokens N]
//               [--profile-steps 3] [--no-busy]
//
// Each precision runs in a child process of its own (this binary re-executed), so each reports
// its own peak RSS. Without --spm, a joint 8000-piece SentencePiece model is trained first.
// Without --threads the trainer follows the free cores (train.threads 0); --threads N pins N.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/corpus/prefetcher.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/corpus/vocab_inputs.h"
#include "nmt/model/seq2seq.h"
#include "nmt/training/run_dir.h"
#include "nmt/training/trainer.h"
#include "nmt/util/cpu_allocator.h"
#include "nmt/util/log.h"
#include "nmt/util/system.h"
#include "op_profile.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string data = "../shared/data/multi30k", spm, preset = "small", precision = "both";
  std::string result;  // child: where to write its target tok/s
  std::string label;   // child: printed after the precision ("one core busy")
  int64_t steps = 30, warmup = 5, batch_tokens = 0, profile_steps = 3;
  int threads = 0;
  bool child = false, busy = true;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--spm")
      a.spm = next();
    else if (k == "--steps")
      a.steps = std::stoll(next());
    else if (k == "--warmup")
      a.warmup = std::stoll(next());
    else if (k == "--threads")
      a.threads = std::stoi(next());
    else if (k == "--precision")
      a.precision = next();
    else if (k == "--preset")
      a.preset = next();
    else if (k == "--batch-tokens")
      a.batch_tokens = std::stoll(next());
    else if (k == "--profile-steps")
      a.profile_steps = std::stoll(next());
    else if (k == "--no-busy")
      a.busy = false;
    else if (k == "--result")
      a.result = next();
    else if (k == "--label")
      a.label = next();
    else if (k == "--child")
      a.child = true;
    else if (!k.empty() && k[0] != '-')
      a.data = k;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// Wraps the training batches, timing the steady state: tokens handed out between the warm-up'th
// and the (warm-up + steps)'th batch, over the time between those two next() calls (one batch =
// one update), with the trainer's phase clock over the same updates; then the op profiler runs
// over the next `profile_steps` updates.
class TimedSource : public nmt::BatchSource {
 public:
  TimedSource(nmt::BatchSource& inner, int64_t warmup, int64_t steps, int64_t profile_steps,
              const nmt::ModelConfig& model)
      : inner_(inner),
        warmup_(warmup),
        steps_(steps),
        profile_steps_(profile_steps),
        model_(model) {}
  void seek(const nmt::DataPosition& p) override { inner_.seek(p); }
  nmt::DataPosition position() const override { return inner_.position(); }
  std::optional<nmt::Batch> next() override {
    auto batch = inner_.next();
    if (!batch) return batch;
    const auto now = Clock::now();
    if (handed_ == warmup_) {
      start_ = now;
      if (trainer != nullptr) phases_start_ = trainer->phases();
    }
    if (handed_ > warmup_ && handed_ <= warmup_ + steps_) {  // the previous update is done
      tokens += last_tokens_;
      padded += last_padded_;
      flops += last_flops_;
      seconds = std::chrono::duration<double>(now - start_).count();
    }
    if (handed_ == warmup_ + steps_) {
      if (trainer != nullptr) phases = trainer->phases().since(phases_start_);
      peak_rss_mib = nmt::peak_rss_mib();  // before the profiler's own memory
      if (profile_steps_ > 0) {
        bench::OpProfile::start();
        profile_start_ = Clock::now();
      }
    }
    if (profile_steps_ > 0 && handed_ == warmup_ + steps_ + profile_steps_) {
      profile = bench::OpProfile::stop();
      profile_seconds = std::chrono::duration<double>(Clock::now() - profile_start_).count();
    }
    last_tokens_ = batch->tgt_tokens;
    last_padded_ = batch->tgt_out.numel();
    last_flops_ = training_flops(batch->src.size(0), batch->src.size(1), batch->tgt_out.size(1));
    ++handed_;
    return batch;
  }
  // Matmul FLOPs of one update (forward + backward = 3 x forward, 2 FLOPs per multiply-add),
  // padding included: what the hardware actually computes.
  double training_flops(int64_t b, int64_t s, int64_t t) const {
    const double d = model_.d_model, ff = model_.ff, v = vocab;
    const double enc =
        model_.encoder_layers * (b * s * (4 * d * d + 2 * d * ff) + 2.0 * b * s * s * d);
    const double dec =
        model_.decoder_layers * (b * t * (4 * d * d + 2 * d * d + 2 * d * ff) +
                                 2.0 * b * s * d * d + 2.0 * b * t * t * d + 2.0 * b * t * s * d);
    return 3 * 2 * (enc + dec + b * t * d * v);
  }
  double vocab = 0;
  int64_t tokens = 0, padded = 0;
  double flops = 0, seconds = 0;
  const nmt::Trainer* trainer = nullptr;
  nmt::StepPhases phases;  // of the timed updates
  bench::OpProfile profile;
  double profile_seconds = 0, peak_rss_mib = 0;

 private:
  nmt::BatchSource& inner_;
  int64_t warmup_, steps_, profile_steps_, handed_ = 0, last_tokens_ = 0, last_padded_ = 0;
  double last_flops_ = 0;
  nmt::ModelConfig model_;
  Clock::time_point start_, profile_start_;
  nmt::StepPhases phases_start_;
};

void print_phases(const nmt::StepPhases& p, double wall_seconds) {
  if (p.updates <= 0) return;
  std::printf("      per update (ms, share of the update):");
  for (int i = 0; i < nmt::StepPhases::count; ++i) {
    if (p.seconds[i] <= 0 && i == nmt::StepPhases::sync) continue;  // alone: no all-reduce
    std::printf(" %s %.1f (%.0f%%)%s", nmt::StepPhases::names[i], 1e3 * p.seconds[i] / p.updates,
                100 * p.seconds[i] / wall_seconds, i + 1 < nmt::StepPhases::count ? " |" : "");
  }
  std::printf("; outside the phases %.1f\n", 1e3 * (wall_seconds - p.total()) / p.updates);
}

// A process spinning on one core until killed (or, bounded, after an hour, or when the
// benchmark dies): "one core busy" for the run beside it.
pid_t start_spinner() {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  const auto end = Clock::now() + std::chrono::hours(1);
  volatile uint64_t x = 0;
  while (Clock::now() < end) x = x + 1;
  _exit(0);
}

void stop_spinner(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

double matmul_gflops(torch::ScalarType dtype, int64_t n = 2048) {
  torch::NoGradGuard no_grad;
  auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
  for (int i = 0; i < 2; ++i) torch::mm(a, b);
  int reps = 0;
  const auto start = Clock::now();
  double seconds = 0;
  while (seconds < 1.5) {
    torch::mm(a, b);
    ++reps;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return 2.0 * n * n * n * reps / seconds / 1e9;
}

int run_child(const Args& a) {
  nmt::set_threads(a.threads);
  nmt::use_caching_cpu_allocator();
  nmt::log::set_level(nmt::log::Level::warn);
  nmt::Config config = nmt::load_config({a.preset, {}, {}});
  config.data.train_src = a.data + "/train.en.gz";
  config.data.train_tgt = a.data + "/train.de.gz";
  if (a.batch_tokens > 0) config.data.batch_tokens = a.batch_tokens;
  config.train.threads = a.threads;  // 0: follow the free cores
  config.train.precision = a.precision;
  config.train.max_steps = a.warmup + a.steps + a.profile_steps + 1;
  config.train.warmup_steps = 100;
  config.train.save_every = 0;
  config.train.valid_every = 0;
  config.train.log_every = 1000000;
  auto tokenizer = std::make_shared<const nmt::Tokenizer>(a.spm);
  torch::manual_seed(1);
  nmt::Seq2Seq model =
      nmt::make_model(config.model, tokenizer->vocab_size(), tokenizer->vocab_size());
  nmt::Prefetcher prefetcher(
      std::make_unique<nmt::TokenBatcher>(config.data.train_src, config.data.train_tgt, tokenizer,
                                          tokenizer, nmt::training_batcher_options(config.data, 1)),
      config.data.prefetch);
  TimedSource timed(prefetcher, a.warmup, a.steps, a.profile_steps, config.model);
  timed.vocab = static_cast<double>(tokenizer->vocab_size());
  const fs::path run = fs::temp_directory_path() / ("bench_train_" + std::to_string(getpid()));
  nmt::create_run_dir(run.string());
  nmt::Trainer trainer(config, run.string(), model, timed);
  timed.trainer = &trainer;
  trainer.train();
  fs::remove_all(run);

  const bool bf16 = trainer.precision() == torch::kBFloat16;
  const double peak = matmul_gflops(bf16 ? torch::kBFloat16 : torch::kFloat32);
  const double achieved = timed.flops / timed.seconds / 1e9;
  const std::string name =
      std::string(bf16 ? "bf16" : "fp32") + (a.label.empty() ? "" : ", " + a.label);
  std::printf(
      "%-5s threads %d | %7.0f tgt tok/s (%7.0f incl. padding) | %6.1f GFLOP/s model = %4.1f%% "
      "of "
      "%s matmul peak %.0f GFLOP/s | %.2f s/step | peak RSS %.0f MiB\n",
      name.c_str(), torch::get_num_threads(), timed.tokens / timed.seconds,
      timed.padded / timed.seconds, achieved, 100 * achieved / peak, bf16 ? "bf16" : "fp32", peak,
      timed.seconds / a.steps, timed.peak_rss_mib);
  const auto mem = nmt::cpu_allocator_stats();
  std::printf(
      "      caching allocator: peak %.0f MiB in tensors, now %.0f MiB cached, %.0f MiB returned "
      "to the OS, "
      "%.1f%% of large requests served from the cache\n",
      mem.peak_live_bytes / 1048576.0, mem.cached_bytes / 1048576.0, mem.evicted_bytes / 1048576.0,
      100.0 * mem.cache_hits / std::max<int64_t>(mem.allocations, 1));
  print_phases(timed.phases, timed.seconds);
  if (a.profile_steps > 0)
    timed.profile.print(timed.profile_seconds, a.profile_steps, 1e3 * timed.seconds / a.steps, 14);
  std::fflush(stdout);
  if (!a.result.empty()) std::ofstream(a.result) << timed.tokens / timed.seconds << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  if (!fs::exists(a.data + "/train.en.gz")) {
    std::printf(
        "bench_train: skipped, no Multi30k at %s (give its directory as the first argument)\n",
        a.data.c_str());
    return 0;
  }
  if (a.child) return run_child(a);
  nmt::log::set_level(nmt::log::Level::warn);
  if (a.spm.empty()) {
    const fs::path dir =
        fs::temp_directory_path() / ("bench_train_spm_" + std::to_string(getpid()));
    fs::create_directories(dir);
    nmt::VocabInputs inputs;
    inputs.files = {a.data + "/train.en.gz", a.data + "/train.de.gz"};
    nmt::VocabOptions options;
    options.prefix = (dir / "spm").string();
    options.vocab_size = 8000;
    nmt::train_vocab_on_files(inputs, options);
    a.spm = options.prefix + ".model";
  }
  std::printf("bench_train: preset %s on %s (en-de), %s, BLAS %s\n", a.preset.c_str(),
              a.data.c_str(), a.spm.c_str(), nmt::blas_description().c_str());
  std::fflush(stdout);
  const std::vector<std::string> precisions = a.precision == "both"
                                                  ? std::vector<std::string>{"fp32", "bf16"}
                                                  : std::vector<std::string>{a.precision};
  const std::string result =
      (fs::temp_directory_path() / ("bench_train_result_" + std::to_string(getpid()))).string();
  auto run = [&](const std::string& precision, bool busy) -> double {
    const std::string cmd =
        "'" + std::string(fs::canonical("/proc/self/exe")) + "' '" + a.data + "' --child --spm '" +
        a.spm + "' --precision " + precision + " --steps " + std::to_string(a.steps) +
        " --warmup " + std::to_string(a.warmup) + " --threads " + std::to_string(a.threads) +
        " --preset " + a.preset + " --batch-tokens " + std::to_string(a.batch_tokens) +
        " --profile-steps " + std::to_string(busy ? 0 : a.profile_steps) + " --result '" + result +
        "'" + (busy ? " --label 'one core busy'" : "");
    const pid_t spinner = busy ? start_spinner() : 0;
    const int status = std::system(cmd.c_str());
    stop_spinner(spinner);
    double tok_s = 0;
    std::ifstream(result) >> tok_s;
    fs::remove(result);
    return status == 0 ? tok_s : -1;
  };
  for (const auto& p : precisions) {
    const double alone = run(p, false);
    if (alone < 0) return 1;
    if (!a.busy) continue;
    const double busy = run(p, true);
    if (busy < 0) return 1;
    std::printf("%-5s with one core busy: %.0f tgt tok/s = %.0f%% of the %.0f alone\n", p.c_str(),
                busy, 100 * busy / alone, alone);
    std::fflush(stdout);
  }
  return 0;
}
