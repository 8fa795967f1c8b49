// Sentences to attention pictures: translates each source with the model (or takes the target it
// is given), then runs the teacher-forced pass on (source, translation) and cuts out the figures
// (attention_extraction.h). Shared by `nmt attention` and the run report's validation examples.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nmt/report/attention_extraction.h"
#include "nmt/report/attention_figure.h"
#include "nmt/decoding/model_dir.h"

namespace nmt::report {

struct AttentionExampleOptions {
  int64_t beam = 0;  // beam size of the translation search (0 = the model config's decode.beam)
  AttentionRequest request;  // which layers/heads/maps to draw
};

// One AttentionSentence per source, in order. `targets` is empty or as long as `sources`; a
// non-empty targets[i] is drawn as given (forced) instead of the model's translation.
// Throws ConfigError for a layer/head the model lacks (see attention_figures).
std::vector<AttentionSentence> attention_sentences(DecodingModel& model,
                                                   const std::vector<std::string>& sources,
                                                   const std::vector<std::string>& targets,
                                                   const AttentionExampleOptions& options);

}  // namespace nmt::report
