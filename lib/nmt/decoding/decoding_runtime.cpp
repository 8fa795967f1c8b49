#include "nmt/decoding/decoding_runtime.h"

#include <cstdlib>

#include "nmt/util/cpu_allocator.h"
#include "nmt/util/system.h"

namespace nmt {
namespace {

void limit_onednn_primitive_cache() {
  // oneDNN compiles and caches a primitive per matmul shape (1024 by default), and decoding meets
  // a new shape at almost every step (finished rows leave, the key/value cache grows). Measured
  // with nmt translate (beam 5, test_2016_flickr, bf16): the default cache held ~60 MiB, 64
  // entries the same speed. oneDNN reads the variable when it creates its first primitive (older
  // releases spell it DNNL_); a value the user set is kept.
  if (!std::getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY") &&
      !std::getenv("DNNL_PRIMITIVE_CACHE_CAPACITY")) {
    setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64", 0);
    setenv("DNNL_PRIMITIVE_CACHE_CAPACITY", "64", 0);
  }
}

}  // namespace

void prepare_decoding_runtime(int threads) {
  set_threads(threads);
  limit_onednn_primitive_cache();
}

void use_decoding_allocator() {
  // Decoding allocates [rows, vocabulary] tensors and growing key/value caches at every step, and
  // fresh pages for them cost ~20% of a beam search (measured with perf: page faults), so their
  // blocks are cached. Installed AFTER the model is loaded: loading a training checkpoint reads
  // its optimizer moments too (twice the weights), and as the cache's high-water mark they would
  // let it keep that much memory for the rest of the run. The slack above the most bytes live at
  // once is fixed at 32 MiB (training's default is a quarter of the peak, at least 64 MiB): a
  // decoding step's tensors are small and the footprint is what `nmt translate` is judged on.
  use_caching_cpu_allocator(/*cache_limit_mib=*/32);
}

DecodingModel open_decoding_model(const std::string& path, const ModelLoadOptions& options,
                                  int threads) {
  prepare_decoding_runtime(threads);
  DecodingModel m = load_decoding_model(path, options);
  use_decoding_allocator();
  return m;
}

DecodingModel open_decoding_models(const std::vector<std::string>& paths,
                                   const ModelLoadOptions& options, int threads) {
  prepare_decoding_runtime(threads);
  DecodingModel m = load_decoding_ensemble(paths, options);
  use_decoding_allocator();
  return m;
}

}  // namespace nmt
