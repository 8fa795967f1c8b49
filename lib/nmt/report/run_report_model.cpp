#include "nmt/report/run_report_model.h"

#include "nmt/model/model_file.h"
#include "nmt/report/attention_extraction.h"

namespace nmt::report {
namespace {

// The learned table of the encoder (the decoder has its own; the encoder's is the one every
// source sentence goes through), as [positions, D].
void add_learned_positional(ReportData& d, Seq2SeqImpl& model, const RunReportOptions& o) {
  const auto params = model.named_parameters(/*recurse=*/true);
  for (const char* name : {"encoder.positional.table.weight", "decoder.positional.table.weight"}) {
    if (const torch::Tensor* table = params.find(name)) {
      const int64_t rows = std::min(o.positions, table->size(0));
      d.positional = PositionalPicture{
          "learned", to_matrix(table->slice(/*dim=*/0, 0, rows)),
          std::string("The trained table ") + name + ", first " + std::to_string(rows) + " of " +
              std::to_string(table->size(0)) + " positions."};
      return;
    }
  }
  d.notes.push_back("model.positional is learned but the model has no positional table parameter.");
}

}  // namespace

void add_model_pictures(ReportData& d, const std::string& run_dir, const std::string& checkpoint,
                        const RunReportOptions& o) {
  LoadedModel loaded = load_model_file(checkpoint);
  Seq2SeqImpl& model = *loaded.model;
  d.parameter_count = model.parameter_count();
  d.parameter_summary = model.parameter_summary();
  if (model.config().positional == "learned") add_learned_positional(d, model, o);
  (void)run_dir;
  d.notes.push_back("Validation examples need the decoding library, which this build does not have yet.");
}

}  // namespace nmt::report
