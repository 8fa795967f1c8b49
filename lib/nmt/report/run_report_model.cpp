#include "nmt/report/run_report_model.h"

#include <sys/stat.h>

#include "nmt/corpus/line_reader.h"
#include "nmt/model/model_file.h"
#include "nmt/report/attention_examples.h"
#include "nmt/decoding/model_dir.h"
#include "nmt/util/error.h"

namespace nmt::report {
namespace {

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The learned table of the encoder (the decoder has its own; the encoder's is the one every
// source sentence goes through), as [positions, D].
void add_learned_positional(ReportData& d, Seq2SeqImpl& model, const RunReportOptions& o) {
  const auto params = model.named_parameters(/*recurse=*/true);
  for (const char* name : {"encoder.positional.table.weight", "decoder.positional.table.weight"}) {
    if (const torch::Tensor* table = params.find(name)) {
      const int64_t rows = std::min(o.positions, table->size(0));
      d.positional = PositionalPicture{"learned", to_matrix(table->slice(/*dim=*/0, 0, rows)),
                                       std::string("The trained table ") + name + ", first " +
                                           std::to_string(rows) + " of " +
                                           std::to_string(table->size(0)) + " positions."};
      return;
    }
  }
  d.notes.push_back("model.positional is learned but the model has no positional table parameter.");
}

// A validation file named in the config: as given (relative to where training ran, usually the
// current directory), else relative to the run directory.
std::string find_data_file(const std::string& name, const std::string& run_dir) {
  if (name.empty()) return "";
  if (is_file(name)) return name;
  if (name[0] != '/' && is_file(run_dir + "/" + name)) return run_dir + "/" + name;
  return "";
}

// The first `examples` validation pairs short enough to draw, translated as validation does
// (train.valid_beam), each with its head-averaged cross-attention of the last layer.
void add_examples(ReportData& d, DecodingModel& m, const std::string& run_dir,
                  const RunReportOptions& o) {
  const std::string src_name = m.config.data.valid_src, tgt_name = m.config.data.valid_tgt;
  if (src_name.empty()) {
    d.notes.push_back("No validation examples: the config names no data.valid_src.");
    return;
  }
  const std::string src_path = find_data_file(src_name, run_dir),
                    tgt_path = find_data_file(tgt_name, run_dir);
  if (src_path.empty()) {
    d.notes.push_back("No validation examples: " + src_name + " not found (nor in " + run_dir +
                      ").");
    return;
  }
  const std::vector<std::string> src = read_lines(src_path);
  const std::vector<std::string> ref =
      tgt_path.empty() ? std::vector<std::string>() : read_lines(tgt_path);
  std::vector<std::string> chosen, chosen_ref;
  for (size_t i = 0; i < src.size() && static_cast<int64_t>(chosen.size()) < o.examples; ++i) {
    const auto n = static_cast<int64_t>(m.source->encode(src[i]).size());
    if (n == 0 || n > o.max_example_pieces) continue;
    chosen.push_back(src[i]);
    chosen_ref.push_back(i < ref.size() ? ref[i] : "");
  }
  if (chosen.empty()) {
    d.notes.push_back("No validation examples: no sentence of " + src_path + " has 1 to " +
                      std::to_string(o.max_example_pieces) + " source pieces.");
    return;
  }
  AttentionExampleOptions eo;
  eo.beam = m.config.train.valid_beam;
  const auto sentences = attention_sentences(m, chosen, {}, eo);
  for (size_t i = 0; i < sentences.size(); ++i) {
    ReportExample ex;
    ex.source = sentences[i].source;
    ex.reference = chosen_ref[i];
    ex.hypothesis = sentences[i].translation;
    ex.cross_attention =
        sentences[i].figures.front();  // the head mean of the last layer comes first
    d.examples.push_back(std::move(ex));
  }
}

}  // namespace

void add_model_pictures(ReportData& d, const std::string& run_dir, const std::string& checkpoint,
                        const RunReportOptions& o) {
  DecodingModel m;
  bool have_vocab = true;
  try {
    ModelLoadOptions lo;
    lo.precision = "fp32";  // pictures on the CPU in float32, whatever decode.precision says
    m = load_decoding_model(checkpoint, lo);
  } catch (const CheckpointError& e) {
    // Without a vocabulary the model still gives its size and positional table; a broken model
    // file throws again below and the caller notes it.
    LoadedModel loaded = load_model_file(checkpoint);
    m.model = loaded.model;
    m.config = std::move(loaded.config);
    m.paths.model_file = checkpoint;
    have_vocab = false;
    d.notes.push_back(std::string("No validation examples: ") + e.what());
  }
  d.parameter_count = m.model->parameter_count();
  d.parameter_summary = m.model->parameter_summary();
  if (m.model->config().positional == "learned") add_learned_positional(d, *m.model, o);
  if (have_vocab && o.examples > 0) add_examples(d, m, run_dir, o);
}

}  // namespace nmt::report
