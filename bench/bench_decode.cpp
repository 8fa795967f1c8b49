// Decoding speed on a real test set, in fp32, bf16 and int8 on the same model and input:
// sentences/s and target tokens/s for greedy and beam 5, BLEU of each against the reference, the
// peak RSS of each mode (each runs in its own process: this binary again with --mode), the ratio
// of each to bf16, and the speed-up of the cached incremental decoder over recomputing the whole
// prefix each step (a naive reference implemented only here, through forward() on the prefix).
//   bench_decode [TEST_FILE] [MODEL_DIR] [--threads N] [--naive-sentences N] [--ref FILE]
//                [--modes fp32,bf16,int8]
// The reference defaults to TEST_FILE with its language swapped (test_2016_flickr.en.gz ->
// test_2016_flickr.de.gz); without one BLEU is not printed.
// TEST_FILE defaults to $NMT_SHARED_DATA (else /work/shared/data)/multi30k/test_2016_flickr.en.gz;
// when it is absent the benchmark says so and exits 0 (nothing to measure).
// Without MODEL_DIR a `small`-preset transformer with random weights is used, with a
// SentencePiece model trained (in a child process, so its memory is not counted) on the
// training file next to TEST_FILE. Random weights rarely emit EOS, so every sentence runs to its
// maximum length (1.5 * source + 10): a slow worst case, not a trained model's speed.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "nmt/config/special_ids.h"
#include "nmt/corpus/line_reader.h"
#include "nmt/corpus/vocabularies.h"
#include "nmt/decoding/greedy_search.h"
#include "nmt/decoding/line_translator.h"
#include "nmt/decoding/decoding_runtime.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/decoding/search.h"
#include "nmt/metrics/bleu.h"
#include "nmt/model/int8_gemm.h"
#include "nmt/model/model_file.h"
#include "nmt/text/vocab_trainer.h"
#include "nmt/util/system.h"

namespace fs = std::filesystem;
using namespace nmt;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class FileSource : public SentenceSource {
 public:
  FileSource(std::vector<std::string> paths, size_t max_lines)
      : paths_(std::move(paths)), max_(max_lines) {}
  bool next(std::string& s) override {
    while (true) {
      if (!reader_) {
        if (file_ == paths_.size()) return false;
        reader_ = std::make_unique<LineReader>(paths_[file_++]);
        taken_ = 0;
      }
      if (taken_ < max_ && reader_->next(s)) {
        ++taken_;
        return true;
      }
      reader_.reset();
    }
  }

 private:
  std::vector<std::string> paths_;
  size_t max_, file_ = 0, taken_ = 0;
  std::unique_ptr<LineReader> reader_;
};

// An exported model directory (decoding/model_dir.h) with a random-weight small transformer,
// built in `dir`.
void make_random_model_dir(const std::string& dir, const std::string& test_file) {
  Config config = load_config({"small", {}, {}});
  const fs::path data = fs::path(test_file).parent_path();
  std::vector<std::string> inputs;
  for (const char* side : {".en", ".de"})
    if (fs::exists(data / (std::string("train") + side + ".gz")))
      inputs.push_back((data / (std::string("train") + side + ".gz")).string());
  int64_t vocab = config.data.vocab_size;
  if (inputs.empty()) {
    inputs.push_back(test_file);
    vocab = 1000;
  }
  std::printf(
      "no model given: random-weight 'small' preset; SentencePiece (%ld pieces) trained on %s%s\n",
      static_cast<long>(vocab), inputs.front().c_str(), inputs.size() > 1 ? " + de" : "");
  const pid_t child = fork();
  if (child == 0) {  // SentencePiece's training memory stays out of this process's peak RSS
    VocabOptions v;
    v.prefix = dir + "/" + kJointVocab;
    v.vocab_size = vocab;
    FileSource source(inputs, 40000);
    try {
      train_vocab(v, source);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "vocabulary training failed: %s\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::exit(1);
  torch::manual_seed(1);
  config.model.dropout = 0.0;
  Seq2Seq model = make_model(config.model, vocab, vocab);
  save_model_file(dir + "/" + kExportedModelFile, *model, config);
}

// The naive reference: greedy decoding that re-runs forward() over the whole prefix every step
// (what a decoder without a cache does). Finished rows leave, as in the real greedy search.
std::vector<std::vector<int64_t>> naive_greedy(Seq2SeqImpl& model, const torch::Tensor& src,
                                               const SearchOptions& options) {
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> max_len = max_lengths(src, options, model.config().max_positions);
  std::vector<std::vector<int64_t>> out(src.size(0));
  std::vector<int64_t> alive(src.size(0));
  for (size_t i = 0; i < alive.size(); ++i) alive[i] = static_cast<int64_t>(i);
  torch::Tensor rows_src = src;                                                // [b, S]
  torch::Tensor prefix = torch::full({src.size(0), 1}, kBosId, torch::kLong);  // [b, t+1]
  std::vector<int64_t> row_max = max_len;
  for (int64_t t = 0; !alive.empty(); ++t) {
    const torch::Tensor logits = model.forward(rows_src, prefix).select(1, t);  // [b, V]
    const torch::Tensor lp = logits.to(torch::kFloat).log_softmax(-1);
    const torch::Tensor next =
        choose_argmax(constrain_log_probs(lp, t, row_max, options.min_length));  // [b]
    std::vector<int64_t> keep;
    for (size_t r = 0; r < alive.size(); ++r) {
      const int64_t tok = next[r].item<int64_t>();
      out[alive[r]].push_back(tok);
      if (tok != kEosId) keep.push_back(static_cast<int64_t>(r));
    }
    const torch::Tensor idx = torch::tensor(keep, torch::kLong);
    std::vector<int64_t> a2, m2;
    for (int64_t r : keep) {
      a2.push_back(alive[r]);
      m2.push_back(row_max[r]);
    }
    alive = a2;
    row_max = m2;
    if (alive.empty()) break;
    rows_src = rows_src.index_select(0, idx);
    prefix = torch::cat({prefix.index_select(0, idx), next.index_select(0, idx).unsqueeze(1)},
                        1);  // [b', t+2]
  }
  return out;
}

struct Run {
  double sentences_per_s = 0, tokens_per_s = 0;
  std::vector<std::string> texts;
};

Run run_translate(const DecodingModel& m, const std::vector<std::string>& lines, int64_t beam) {
  DecodeConfig d = m.config.decode;
  d.beam = beam;
  d.nbest = 1;
  d.sample = false;
  Translator translator(m.model, TranslatorOptions::from_config(d), torch::kCPU);
  LineTranslator text(translator, m.source, m.target);
  const auto results = text.translate(lines, "bench");
  const auto& s = translator.stats();
  Run run{s.sentences / s.seconds, s.target_tokens / s.seconds, {}};
  for (const auto& r : results) run.texts.push_back(r.texts.empty() ? "" : r.texts.front());
  return run;
}

// A reference next to `test_file` in the other language (".en." <-> ".de."), "" when none exists.
std::string default_reference(const std::string& test_file) {
  for (auto [from, to] : {std::pair<const char*, const char*>{".en.", ".de."}, {".de.", ".en."}}) {
    const auto at = test_file.rfind(from);
    if (at == std::string::npos) continue;
    std::string ref = test_file;
    ref.replace(at, 4, to);
    if (fs::exists(ref)) return ref;
  }
  return "";
}

double bleu_of(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  if (refs.size() != hyps.size()) return -1;
  return metrics::corpus_bleu(hyps, {refs}).score;
}

struct ModeResult {
  bool ok = false;
  double greedy_sps = 0, greedy_tps = 0, beam_sps = 0, beam_tps = 0, greedy_bleu = -1,
         beam_bleu = -1, rss_mib = 0;
};

// One precision in this process (bench_decode --mode P ...): prints its figures, then a RESULT
// line the parent reads.
int run_mode(const std::string& precision, const std::string& test_file,
             const std::string& model_dir, const std::string& ref_file, int threads,
             size_t naive_n) {
  prepare_decoding_runtime(threads);
  const std::vector<std::string> lines = read_lines(test_file);
  const std::vector<std::string> refs =
      ref_file.empty() ? std::vector<std::string>{} : read_lines(ref_file);
  ModelLoadOptions load;
  load.precision = precision;
  std::unique_ptr<DecodingModel> loaded;
  try {
    loaded = std::make_unique<DecodingModel>(open_decoding_model(model_dir, load, threads));
  } catch (const std::exception& e) {
    std::printf("[%s] not available: %s\nRESULT %s unavailable\n", precision.c_str(), e.what(),
                precision.c_str());
    return 0;
  }
  const DecodingModel& m = *loaded;
  const double load_rss = peak_rss_mib();
  if (precision == "fp32") std::printf("model: %s\n", m.model->parameter_summary().c_str());
  run_translate(
      m, std::vector<std::string>(lines.begin(), lines.begin() + std::min<size_t>(50, lines.size())),
      1);  // warm-up
  const Run greedy = run_translate(m, lines, 1);
  const Run beam5 = run_translate(m, lines, 5);
  ModeResult r;
  r.greedy_sps = greedy.sentences_per_s;
  r.greedy_tps = greedy.tokens_per_s;
  r.beam_sps = beam5.sentences_per_s;
  r.beam_tps = beam5.tokens_per_s;
  if (!refs.empty()) {
    r.greedy_bleu = bleu_of(greedy.texts, refs);
    r.beam_bleu = bleu_of(beam5.texts, refs);
  }
  r.rss_mib = peak_rss_mib();
  std::printf("[%s] greedy: %7.1f sentences/s %8.1f target tokens/s  BLEU %.2f\n",
              precision.c_str(), r.greedy_sps, r.greedy_tps, r.greedy_bleu);
  std::printf("[%s] beam 5: %7.1f sentences/s %8.1f target tokens/s  BLEU %.2f\n",
              precision.c_str(), r.beam_sps, r.beam_tps, r.beam_bleu);
  std::printf("[%s] peak RSS %.0f MiB (%.0f MiB after loading the model)\n", precision.c_str(),
              r.rss_mib, load_rss);

  // Cached vs naive greedy on the first sentences, in the same batches.
  std::vector<std::vector<int64_t>> ids;
  for (size_t i = 0; i < std::min(naive_n, lines.size()); ++i) {
    const auto e = m.source->encode(lines[i]);
    ids.emplace_back(e.begin(), e.end());
  }
  SearchOptions o = SearchOptions::from_config(m.config.decode);
  double cached_s = 0, naive_s = 0;
  size_t same = 0;
  for (size_t b = 0; b < ids.size(); b += 50) {
    std::vector<const std::vector<int64_t>*> rows;
    for (size_t i = b; i < std::min(ids.size(), b + 50); ++i) rows.push_back(&ids[i]);
    const torch::Tensor src = make_source_batch(rows, torch::kCPU);
    double t0 = now();
    const auto cached = greedy_search(*m.model, src, o);
    cached_s += now() - t0;
    t0 = now();
    const auto naive = naive_greedy(*m.model, src, o);
    naive_s += now() - t0;
    for (size_t i = 0; i < naive.size(); ++i) same += naive[i] == cached[i].tokens;
  }
  if (!ids.empty())
    std::printf(
        "[%s] greedy on %zu sentences: cached %.2f s, recomputing the prefix %.2f s: %.1fx faster "
        "(identical outputs: %zu/%zu)\n",
        precision.c_str(), ids.size(), cached_s, naive_s, naive_s / cached_s, same, ids.size());
  std::printf("RESULT %s ok %.3f %.3f %.3f %.3f %.3f %.3f %.1f\n", precision.c_str(), r.greedy_sps,
              r.greedy_tps, r.beam_sps, r.beam_tps, r.greedy_bleu, r.beam_bleu, r.rss_mib);
  return 0;
}

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

int main(int argc, char** argv) {
  const char* shared = std::getenv("NMT_SHARED_DATA");
  std::string test_file =
      std::string(shared ? shared : "/work/shared/data") + "/multi30k/test_2016_flickr.en.gz";
  std::string model_dir, mode, ref_file = "-";
  std::vector<std::string> modes = {"fp32", "bf16", "int8"};
  int threads = 0;
  size_t naive_n = 200;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--naive-sentences" && i + 1 < argc) {
      naive_n = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (a == "--ref" && i + 1 < argc) {
      ref_file = argv[++i];
    } else if (a == "--modes" && i + 1 < argc) {
      modes.clear();
      std::string list = argv[++i];
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) modes.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() > 0) test_file = positional[0];
  if (positional.size() > 1) model_dir = positional[1];
  if (!fs::exists(test_file)) {
    std::printf("bench_decode: skipped, test file %s not found (data/get_multi30k.sh fetches it)\n",
                test_file.c_str());
    return 0;
  }
  if (ref_file == "-") ref_file = default_reference(test_file);
  if (!mode.empty()) return run_mode(mode, test_file, model_dir, ref_file, threads, naive_n);

  // nmt translate's runtime set-up (decoding/decoding_runtime.h), for the header line; each mode
  // runs in its own process so its peak RSS is its own.
  prepare_decoding_runtime(threads);
  std::printf("bench_decode: %zu sentences from %s; %d threads; BLAS %s; bf16 fast: %s; int8: %s\n",
              read_lines(test_file).size(), test_file.c_str(), torch::get_num_threads(),
              blas_description().c_str(), bf16_is_fast("cpu") ? "yes" : "no",
              int8_gemm_available() ? "oneDNN" : int8_gemm_unavailable_reason().c_str());
  std::printf("BLEU against %s\n", ref_file.empty() ? "(no reference found)" : ref_file.c_str());

  std::string tmp;
  if (model_dir.empty()) {
    char tmpl[] = "/tmp/nmt-bench-XXXXXX";
    tmp = model_dir = mkdtemp(tmpl);
    make_random_model_dir(model_dir, test_file);
  }
  std::fflush(stdout);

  std::vector<std::pair<std::string, ModeResult>> results;
  for (const auto& precision : modes) {
    const std::string cmd = shell_quoted(argv[0]) + " --mode " + shell_quoted(precision) + " --threads " +
                            std::to_string(threads) + " --naive-sentences " +
                            std::to_string(naive_n) + " --ref " + shell_quoted(ref_file) + " " +
                            shell_quoted(test_file) + " " + shell_quoted(model_dir);
    FILE* child = popen(cmd.c_str(), "r");
    if (!child) {
      std::perror("bench_decode: popen");
      return 1;
    }
    char line[4096];
    ModeResult r;
    while (std::fgets(line, sizeof line, child)) {
      char name[32] = {0}, status[32] = {0};
      if (std::sscanf(line, "RESULT %31s %31s", name, status) == 2) {
        if (std::string(status) == "ok")
          r.ok = std::sscanf(line, "RESULT %*s ok %lf %lf %lf %lf %lf %lf %lf", &r.greedy_sps,
                             &r.greedy_tps, &r.beam_sps, &r.beam_tps, &r.greedy_bleu,
                             &r.beam_bleu, &r.rss_mib) == 7;
        continue;
      }
      std::fputs(line, stdout);
    }
    std::fflush(stdout);
    if (pclose(child) != 0) std::printf("[%s] the benchmark process failed\n", precision.c_str());
    results.emplace_back(precision, r);
  }

  const ModeResult* base = nullptr;
  for (const auto& [name, r] : results)
    if (name == "bf16" && r.ok) base = &r;
  std::printf("\nsummary (ratios to bf16)\n");
  std::printf("%-5s %22s %22s %12s %16s\n", "mode", "greedy sent/s (tok/s)", "beam5 sent/s (tok/s)",
              "BLEU g / b5", "peak RSS MiB");
  for (const auto& [name, r] : results) {
    if (!r.ok) {
      std::printf("%-5s not available\n", name.c_str());
      continue;
    }
    std::printf("%-5s %7.1f (%7.0f) x%.2f %7.1f (%7.0f) x%.2f %5.2f / %5.2f %7.0f x%.2f\n",
                name.c_str(), r.greedy_sps, r.greedy_tps, base ? r.greedy_sps / base->greedy_sps : 0,
                r.beam_sps, r.beam_tps, base ? r.beam_sps / base->beam_sps : 0, r.greedy_bleu,
                r.beam_bleu, r.rss_mib, base ? r.rss_mib / base->rss_mib : 0);
  }
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
