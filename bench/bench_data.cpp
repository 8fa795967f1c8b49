// bench_data: the data pipeline's throughput and memory on Multi30k en-de train.
//   1. vocabulary: an 8000-piece unigram model (or --vocab MODEL)
//   2. in memory: read + tokenize + filter (construction), then one epoch of batches, then one
//      epoch through the Prefetcher; pairs/s, padding efficiency, RSS
//   3. streaming: the corpus repeated 10x (a generated file in /tmp), data.shuffle_buffer 50000,
//      one epoch; current RSS sampled through the epoch to show it does not grow with the corpus
//
// usage: bench_data [MULTI30K_DIR] [--vocab MODEL] [--repeat N]
//        MULTI30K_DIR defaults to ../shared/data/multi30k (searched upwards from the working dir).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "nmt/config/config.h"
#include "nmt/corpus/line_reader.h"
#include "nmt/corpus/prefetcher.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/corpus/vocab_inputs.h"
#include "nmt/util/system.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Resident set size now, in MiB (peak_rss_mib() only ever grows).
double current_rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

std::string find_data(const std::string& given) {
  if (!given.empty()) return given;
  fs::path dir = fs::current_path();
  for (int up = 0; up < 5; ++up, dir = dir.parent_path()) {
    const fs::path candidate = dir / ".." / "shared" / "data" / "multi30k";
    if (fs::exists(candidate / "train.en.gz")) return fs::canonical(candidate).string();
  }
  return "../shared/data/multi30k";
}

// Writes `repeat` copies of a gzip/plain corpus file as one plain file.
void repeat_file(const std::string& in, const std::string& out, int repeat) {
  std::ofstream o(out, std::ios::binary);
  std::string line;
  for (int r = 0; r < repeat; ++r) {
    nmt::LineReader reader(in);
    while (reader.next(line)) o << line << '\n';
  }
}

struct EpochResult {
  int64_t batches = 0, pairs = 0;
  double seconds = 0, min_rss = 1e18, max_rss = 0;
};

EpochResult run_epoch(nmt::BatchSource& source, int64_t epoch) {
  EpochResult r;
  const auto start = Clock::now();
  source.seek({epoch, 0});
  while (auto batch = source.next()) {
    ++r.batches;
    r.pairs += batch->size();
    if (r.batches % 50 == 0) {
      const double rss = current_rss_mib();
      r.min_rss = std::min(r.min_rss, rss);
      r.max_rss = std::max(r.max_rss, rss);
    }
  }
  r.seconds = seconds_since(start);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_arg, vocab;
  int repeat = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--vocab" && i + 1 < argc)
      vocab = argv[++i];
    else if (a == "--repeat" && i + 1 < argc)
      repeat = std::stoi(argv[++i]);
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: bench_data [MULTI30K_DIR] [--vocab MODEL] [--repeat N]\n";
      return 0;
    } else
      data_arg = a;
  }
  const std::string data = find_data(data_arg);
  const std::string src = data + "/train.en.gz", tgt = data + "/train.de.gz";
  if (!fs::exists(src) || !fs::exists(tgt)) {
    std::cerr << "bench_data: " << src << " or " << tgt << " not found (pass MULTI30K_DIR)\n";
    return 1;
  }
  const fs::path tmp = fs::temp_directory_path() / "nmt-bench-data";
  fs::create_directories(tmp);
  std::printf("data: %s\nstarting RSS %.0f MiB\n", data.c_str(), current_rss_mib());

  if (vocab.empty()) {
    nmt::VocabInputs inputs;
    inputs.files = {src, tgt};
    inputs.sample = 100000;
    nmt::VocabOptions options;
    options.prefix = (tmp / "spm").string();
    options.vocab_size = 8000;
    const auto start = Clock::now();
    nmt::train_vocab_on_files(inputs, options);
    vocab = options.prefix + ".model";
    std::printf("vocabulary: 8000 unigram pieces trained in %.1f s\n", seconds_since(start));
  }
  auto tok = std::make_shared<const nmt::Tokenizer>(vocab);
  const auto options = nmt::training_batcher_options(nmt::DataConfig(), 1234);

  {
    const auto start = Clock::now();
    auto batcher = std::make_unique<nmt::TokenBatcher>(src, tgt, tok, tok, options);
    const double load = seconds_since(start);
    const auto stats = batcher->stats();
    std::printf("\nin memory (batch_tokens %lld)\n", static_cast<long long>(options.batch_tokens));
    std::printf("  read + tokenize + filter: %lld pairs in %.2f s = %.0f pairs/s\n",
                static_cast<long long>(stats.pairs_read), load,
                static_cast<double>(stats.pairs_read) / load);
    const auto epoch = run_epoch(*batcher, 1);
    std::printf("  batching (plan + tensors): %lld batches, %lld pairs in %.3f s = %.0f pairs/s\n",
                static_cast<long long>(epoch.batches), static_cast<long long>(epoch.pairs),
                epoch.seconds, static_cast<double>(epoch.pairs) / epoch.seconds);
    std::printf("  padding efficiency: %.2f%% (real / padded tokens, both sides)\n",
                100.0 * batcher->padding().efficiency());
    std::printf("  average rows per batch: %.1f\n",
                static_cast<double>(epoch.pairs) / static_cast<double>(epoch.batches));
    nmt::Prefetcher prefetcher(std::move(batcher), 8);
    const auto prefetched = run_epoch(prefetcher, 2);
    std::printf("  through the Prefetcher: %.3f s for an epoch\n", prefetched.seconds);
    std::printf("  RSS now %.0f MiB, peak %.0f MiB\n", current_rss_mib(), nmt::peak_rss_mib());
  }

  const std::string big_src = (tmp / "train10x.en").string(),
                    big_tgt = (tmp / "train10x.de").string();
  repeat_file(src, big_src, repeat);
  repeat_file(tgt, big_tgt, repeat);
  for (const int64_t buffer : {int64_t{50000}, int64_t{1000000}}) {
    auto streaming_options = options;
    streaming_options.shuffle_buffer = buffer;
    const double rss_before = current_rss_mib();
    const auto start = Clock::now();
    nmt::TokenBatcher batcher(big_src, big_tgt, tok, tok, streaming_options);
    const double first_window = seconds_since(start);
    const auto epoch = run_epoch(batcher, 1);
    const double total = first_window + epoch.seconds;
    std::printf("\n%s: %dx corpus, shuffle_buffer %lld\n",
                batcher.in_memory() ? "in memory" : "streaming", repeat,
                static_cast<long long>(buffer));
    std::printf(
        "  epoch: %lld pairs, %lld batches in %.2f s = %.0f pairs/s (read + tokenize + batch)\n",
        static_cast<long long>(epoch.pairs), static_cast<long long>(epoch.batches), total,
        static_cast<double>(epoch.pairs) / total);
    std::printf("  padding efficiency %.2f%%\n", 100.0 * batcher.padding().efficiency());
    std::printf("  RSS before %.0f MiB; during the epoch %.0f..%.0f MiB; peak so far %.0f MiB\n",
                rss_before, epoch.min_rss, epoch.max_rss, nmt::peak_rss_mib());
  }
  fs::remove(big_src);
  fs::remove(big_tgt);
  return 0;
}
