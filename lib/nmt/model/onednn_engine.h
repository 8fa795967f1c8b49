// The one oneDNN CPU engine of the process and a stream per thread, shared by the int8 GEMM
// (int8_gemm.cpp) and the attention's batched products (batched_matmul.cpp). Include only where
// the build has oneDNN (NMT_HAVE_DNNL).
#pragma once

#include <dnnl.hpp>

namespace nmt::onednn {

inline dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Streams are not thread-safe; decoding runs batches on several threads at once.
inline dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

}  // namespace nmt::onednn
