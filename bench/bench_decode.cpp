// Decoding speed on a real test set: sentences/s and target tokens/s for greedy and beam 5, in
// fp32 and bf16; the speed-up of the cached incremental decoder over recomputing the whole prefix
// each step (a naive reference implemented only here, through forward() on the growing prefix);
// and the peak RSS.
//   bench_decode [TEST_FILE] [MODEL_DIR] [--threads N] [--naive-sentences N]
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
};

Run run_translate(const DecodingModel& m, const std::vector<std::string>& lines, int64_t beam) {
  DecodeConfig d = m.config.decode;
  d.beam = beam;
  d.nbest = 1;
  d.sample = false;
  Translator translator(m.model, TranslatorOptions::from_config(d), torch::kCPU);
  LineTranslator text(translator, m.source, m.target);
  text.translate(lines, "bench");
  const auto& s = translator.stats();
  return {s.sentences / s.seconds, s.target_tokens / s.seconds};
}

}  // namespace

int main(int argc, char** argv) {
  const char* shared = std::getenv("NMT_SHARED_DATA");
  std::string test_file =
      std::string(shared ? shared : "/work/shared/data") + "/multi30k/test_2016_flickr.en.gz";
  std::string model_dir;
  int threads = 0;
  size_t naive_n = 200;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--naive-sentences" && i + 1 < argc)
      naive_n = std::strtoul(argv[++i], nullptr, 10);
    else
      positional.push_back(a);
  }
  if (positional.size() > 0) test_file = positional[0];
  if (positional.size() > 1) model_dir = positional[1];
  if (!fs::exists(test_file)) {
    std::printf("bench_decode: skipped, test file %s not found (data/get_multi30k.sh fetches it)\n",
                test_file.c_str());
    return 0;
  }
  // nmt translate's runtime set-up (decoding/decoding_runtime.h): threads and the oneDNN cap now,
  // the caching allocator after the first model loads. The peak RSS printed at the end is the
  // whole benchmark's (two models, the naive search), not one translation's.
  prepare_decoding_runtime(threads);
  std::vector<std::string> lines = read_lines(test_file);
  std::printf("bench_decode: %zu sentences from %s; %d threads; BLAS %s; bf16 fast: %s\n",
              lines.size(), test_file.c_str(), torch::get_num_threads(), blas_description().c_str(),
              bf16_is_fast("cpu") ? "yes" : "no");

  std::string tmp;
  if (model_dir.empty()) {
    char tmpl[] = "/tmp/nmt-bench-XXXXXX";
    tmp = model_dir = mkdtemp(tmpl);
    make_random_model_dir(model_dir, test_file);
  }

  for (const char* precision : {"fp32", "bf16"}) {
    ModelLoadOptions load;
    load.precision = precision;
    const DecodingModel m = open_decoding_model(model_dir, load, threads);
    if (std::string(precision) == "fp32")
      std::printf("model: %s\n", m.model->parameter_summary().c_str());
    run_translate(
        m,
        std::vector<std::string>(lines.begin(), lines.begin() + std::min<size_t>(50, lines.size())),
        1);  // warm-up
    const Run greedy = run_translate(m, lines, 1);
    const Run beam5 = run_translate(m, lines, 5);
    std::printf("[%s] greedy: %7.1f sentences/s %8.1f target tokens/s\n", precision,
                greedy.sentences_per_s, greedy.tokens_per_s);
    std::printf("[%s] beam 5: %7.1f sentences/s %8.1f target tokens/s\n", precision,
                beam5.sentences_per_s, beam5.tokens_per_s);

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
    std::printf(
        "[%s] greedy on %zu sentences: cached %.2f s, recomputing the prefix %.2f s: %.1fx faster "
        "(identical outputs: %zu/%zu)\n",
        precision, ids.size(), cached_s, naive_s, naive_s / cached_s, same, ids.size());
  }
  std::printf("peak RSS: %.0f MiB\n", peak_rss_mib());
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
