#include "nmt/model/layer_stack.h"

namespace nmt {

PositionalEncodingOptions positional_options(const ModelConfig& c) {
  return PositionalEncodingOptions{c.d_model, c.positional, c.positional_combine, c.positional_base,
                                   c.max_positions};
}

}  // namespace nmt
