// How a decoding process sets LibTorch up, in one place so that `nmt translate`, `nmt score`,
// `nmt eval`, `nmt attention` and bench_decode all run (and measure) the same thing:
//   1. before the model loads: intra-op threads, and oneDNN's primitive cache held to 64 entries;
//   2. after it has loaded: the caching CPU allocator with decoding's 32 MiB slack.
// The order matters for memory: see decoding_runtime.cpp.
#pragma once

#include <string>
#include <vector>

#include "nmt/decoding/model_dir.h"

namespace nmt {

// Step 1: threads (0 = the cores available; util/system.h) and the oneDNN cap. Before any matmul.
void prepare_decoding_runtime(int threads);

// Step 2: the caching CPU allocator with decoding's settings. Call once the model is loaded.
void use_decoding_allocator();

// Steps 1 and 2 around load_decoding_model: what every decoding command does with `-m PATH`.
DecodingModel open_decoding_model(const std::string& path, const ModelLoadOptions& options,
                                  int threads);
// The same for an ensemble (load_decoding_ensemble; one path: that model).
DecodingModel open_decoding_models(const std::vector<std::string>& paths,
                                   const ModelLoadOptions& options, int threads);

}  // namespace nmt
