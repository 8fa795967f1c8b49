// The sinusoidal positional encoding of "Attention Is All You Need" (Vaswani et al., 2017),
// computed in plain C++ for the report's picture:
//   PE[pos, 2i]   = sin(pos / base^(2i / d))
//   PE[pos, 2i+1] = cos(pos / base^(2i / d))
// The layout (interleaved sin/cos) matches lib/nmt/model/positional_encoding; a test compares the
// two when the model layer is built.
#pragma once

#include <cstdint>

#include "nmt/report/matrix.h"

namespace nmt::report {

// [positions, dims] table. Throws std::invalid_argument unless positions >= 0, dims > 0, base > 1.
Matrix sinusoidal_table(int64_t positions, int64_t dims, double base = 10000.0);

}  // namespace nmt::report
