// Training-step throughput of the model alone: forward + backward (optionally + Adam) on random
// batches of ~4000 target tokens, float32 vs bf16 autocast, printing target tokens/s and peak RSS.
//
//   bench_model_step [--preset small] [--arch transformer|rnn] [--tokens 4000] [--len 30]
//                    [--steps 8] [--warmup 2] [--threads N] [--precision both|fp32|bf16] [--adam]
//                    [--decode]   (also times greedy-style step() decoding of 64 sentences)
//                    [--malloc]   (LibTorch's default allocator instead of nmt's caching one)
//                    [--profile FILE]  (op-level chrome trace of the last step, FILE.fp32/.bf16)
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/model/seq2seq.h"
#include "nmt/util/cpu_allocator.h"
#include "nmt/util/system.h"

namespace {

struct Args {
  std::string preset = "small", arch = "transformer", precision = "both";
  int64_t tokens = 4000, len = 30, steps = 8, warmup = 2;
  int threads = 0;
  bool adam = false, decode = false;
  bool caching_allocator = true;  // --malloc: LibTorch's default CPU allocator instead
  std::string profile;  // chrome-trace file of the last measured step (legacy autograd profiler)
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--preset")
      a.preset = next();
    else if (k == "--arch")
      a.arch = next();
    else if (k == "--tokens")
      a.tokens = std::stoll(next());
    else if (k == "--len")
      a.len = std::stoll(next());
    else if (k == "--steps")
      a.steps = std::stoll(next());
    else if (k == "--warmup")
      a.warmup = std::stoll(next());
    else if (k == "--threads")
      a.threads = std::stoi(next());
    else if (k == "--precision")
      a.precision = next();
    else if (k == "--adam")
      a.adam = true;
    else if (k == "--decode")
      a.decode = true;
    else if (k == "--malloc")
      a.caching_allocator = false;
    else if (k == "--profile")
      a.profile = next();
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// Right-padded random sentences [rows, len] with lengths in [len - 4, len], EOS last.
torch::Tensor random_batch(int64_t rows, int64_t len, int64_t vocab) {
  auto ids = torch::randint(nmt::kEosId + 1, vocab, {rows, len}, torch::kLong);
  auto lengths = torch::randint(std::max<int64_t>(1, len - 4), len + 1, {rows}, torch::kLong);
  for (int64_t r = 0; r < rows; ++r) {
    const auto n = lengths[r].item<int64_t>();
    ids[r][n - 1] = nmt::kEosId;
    if (n < len) ids[r].narrow(0, n, len - n).fill_(nmt::kPadId);
  }
  return ids;
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void run(const Args& a, const nmt::Config& config, bool bf16) {
  torch::manual_seed(1);
  const int64_t vocab = config.data.vocab_size;
  auto model = nmt::make_model(config.model, vocab, vocab);
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-4));
  const int64_t rows = std::max<int64_t>(1, a.tokens / a.len);
  auto src = random_batch(rows, a.len, vocab);
  auto tgt = random_batch(rows, a.len + 1, vocab);
  auto tgt_in = tgt.narrow(1, 0, a.len).clone();
  tgt_in.select(1, 0).fill_(nmt::kBosId);
  auto tgt_out = tgt.narrow(1, 1, a.len).clone();
  const int64_t real_tokens = tgt_out.ne(nmt::kPadId).sum().item<int64_t>();

  double elapsed = 0, forward_s = 0;
  for (int64_t s = 0; s < a.warmup + a.steps; ++s) {
    std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
    if (!a.profile.empty() && s + 1 == a.warmup + a.steps)
      profile = std::make_unique<torch::autograd::profiler::RecordProfile>(
          a.profile + (bf16 ? ".bf16" : ".fp32"));
    const double t0 = now();
    at::autocast::set_cpu_enabled(bf16);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    auto logits = model->forward(src, tgt_in);  // [B, T, V]
    auto loss = torch::nll_loss(torch::log_softmax(logits.reshape({-1, vocab}), -1, torch::kFloat),
                                tgt_out.reshape({-1}), {}, at::Reduction::Sum, nmt::kPadId);
    at::autocast::set_cpu_enabled(false);
    const double t1 = now();
    loss.backward();
    if (a.adam) adam.step();
    adam.zero_grad();
    at::autocast::clear_cache();
    const double t2 = now();
    if (s >= a.warmup) {
      elapsed += t2 - t0;
      forward_s += t1 - t0;
    }
  }
  std::printf(
      "%-11s %-5s rows %4lld x len %3lld: %8.0f tgt tok/s  (forward %4.0f%%, %.3f s/step)  peak "
      "RSS %.0f MiB\n",
      a.arch.c_str(), bf16 ? "bf16" : "fp32", static_cast<long long>(rows),
      static_cast<long long>(a.len), real_tokens * a.steps / elapsed, 100.0 * forward_s / elapsed,
      elapsed / a.steps, nmt::peak_rss_mib());

  if (a.decode) {
    torch::NoGradGuard no_grad;
    model->eval();
    if (bf16) model->to(torch::kBFloat16);
    auto dsrc = src.narrow(0, 0, std::min<int64_t>(64, rows));
    const double t0 = now();
    auto encoded = model->encode(dsrc);
    auto cache = model->initial_cache(encoded);
    auto last = torch::full({dsrc.size(0)}, nmt::kBosId, torch::kLong);
    for (int64_t t = 0; t < a.len; ++t) last = model->step(last, encoded, cache).argmax(-1);
    const double dt = now() - t0;
    std::printf("%-11s %-5s decode %lld sentences x %lld steps: %8.0f tok/s (%.2f ms/step)\n",
                a.arch.c_str(), bf16 ? "bf16w" : "fp32", static_cast<long long>(dsrc.size(0)),
                static_cast<long long>(a.len), dsrc.size(0) * a.len / dt, 1000 * dt / a.len);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  nmt::set_threads(a.threads);
  if (a.caching_allocator) nmt::use_caching_cpu_allocator();
  nmt::ConfigSources sources;
  sources.preset = a.preset;
  sources.overrides.push_back("model.arch=" + a.arch);
  const auto config = nmt::load_config(sources);
  std::printf(
      "preset %s: d_model %lld, heads %lld, ff %lld, layers %lld+%lld, vocab %lld; threads %d; "
      "%s\n",
      a.preset.c_str(), static_cast<long long>(config.model.d_model),
      static_cast<long long>(config.model.heads), static_cast<long long>(config.model.ff),
      static_cast<long long>(config.model.encoder_layers),
      static_cast<long long>(config.model.decoder_layers),
      static_cast<long long>(config.data.vocab_size), torch::get_num_threads(),
      nmt::bf16_is_fast("cpu") ? "bf16 is fast here" : "bf16 is NOT fast here");
  std::printf("allocator: %s\n",
              a.caching_allocator ? "nmt caching allocator" : "LibTorch default (malloc)");
  if (a.precision != "bf16") run(a, config, false);
  if (a.precision != "fp32") run(a, config, true);
  return 0;
}
