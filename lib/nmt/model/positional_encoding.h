// Turns token embeddings into the input of the first layer: the embedding scaled by sqrt(D)
// (so it is not drowned by encodings of unit amplitude) combined with a position signal.
//
//   kind     sinusoidal  PE(p, 2i) = sin(p / base^(2i/D)), PE(p, 2i+1) = cos(p / base^(2i/D))
//                        (interleaved, as in Vaswani et al. 2017; computed, not stored, so the
//                        model file holds no table and any position works)
//            learned     a trained [max_positions, D] table (positions beyond it are an error)
//            none        no position signal (the embedding is still scaled)
//   combine  add         x * sqrt(D) + PE                       [B, T, D]
//            concat      Linear([x * sqrt(D) ; PE]) : [B, T, 2D] -> [B, T, D]
//
// Positions count from `offset`, so step-by-step decoding passes the number of target positions
// already consumed (DecoderCache::steps).
#pragma once

#include <torch/torch.h>

#include "nmt/model/linear.h"

#include <string>

namespace nmt {

// The kinds and combine modes above, parsed from their config names once at construction.
enum class PositionalKind { kSinusoidal, kLearned, kNone };
enum class PositionalCombine { kAdd, kConcat };

// Throw ConfigError unless the name is among the values above.
PositionalKind parse_positional_kind(const std::string& kind);
PositionalCombine parse_positional_combine(const std::string& combine);

struct PositionalEncodingOptions {
  int64_t d_model = 512;            // D: width of embeddings and encodings
  std::string kind = "sinusoidal";  // sinusoidal | learned | none
  std::string combine = "add";      // add | concat
  double base = 10000.0;            // sinusoid wavelengths range from 2*pi to base*2*pi
  int64_t max_positions = 1024;     // rows of the learned table
};

class PositionalEncodingImpl : public torch::nn::Module {
 public:
  // Throws ConfigError for an unknown kind or combine mode, or max_positions < 1.
  explicit PositionalEncodingImpl(const PositionalEncodingOptions& options);

  // embedded [B, T, D] (raw embedding rows) at positions offset .. offset+T-1 -> [B, T, D].
  torch::Tensor forward(const torch::Tensor& embedded, int64_t offset = 0);

  // The position signal [T, D] for positions offset .. offset+T-1, in `options`' dtype/device;
  // undefined for kind none.
  torch::Tensor encodings(int64_t offset, int64_t length, const torch::TensorOptions& options);

  // The sinusoid table [length, dim] (float32) for positions offset .. offset+length-1.
  static torch::Tensor sinusoids(int64_t offset, int64_t length, int64_t dim, double base);

  const PositionalEncodingOptions& options() const { return options_; }

 private:
  PositionalEncodingOptions options_;
  PositionalKind kind_;        // options_.kind, parsed once
  PositionalCombine combine_;  // options_.combine, parsed once
  double scale_;
  torch::Tensor sinusoid_cache_;          // float32 [max_positions, D], not a parameter
  torch::nn::Embedding table{nullptr};    // learned: [max_positions, D]
  nmt::Linear projection{nullptr};  // concat: [2D] -> [D]
};
TORCH_MODULE(PositionalEncoding);

}  // namespace nmt
