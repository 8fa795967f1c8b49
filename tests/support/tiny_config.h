// The tiny model config the model and decoding tests build their models from: dropout-free,
// d_model 32, 4 heads, feed-forward 64, 2+2 layers, 64 positions. Tests that need another shape
// start from it and change what they need.
#pragma once

#include <string>

#include "nmt/config/config.h"

namespace nmt::test {

inline ModelConfig tiny_model_shape(const std::string& arch = "transformer") {
  ModelConfig c;
  c.arch = arch;
  c.d_model = 32;
  c.heads = 4;
  c.ff = 64;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.dropout = 0.0;
  c.attention_dropout = 0.0;
  c.max_positions = 64;
  return c;
}

}  // namespace nmt::test
