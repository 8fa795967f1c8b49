#include "nmt/report/positional_table.h"

#include <cmath>
#include <stdexcept>

namespace nmt::report {

Matrix sinusoidal_table(int64_t positions, int64_t dims, double base) {
  if (positions < 0 || dims <= 0 || !(base > 1.0))
    throw std::invalid_argument("sinusoidal_table: needs positions >= 0, dims > 0, base > 1");
  Matrix m(positions, dims);
  for (int64_t pos = 0; pos < positions; ++pos) {
    for (int64_t d = 0; d < dims; ++d) {
      const int64_t pair = d / 2;  // dims 2i and 2i+1 share a frequency
      const double angle =
          static_cast<double>(pos) / std::pow(base, 2.0 * pair / static_cast<double>(dims));
      m.at(pos, d) = static_cast<float>(d % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
  }
  return m;
}

}  // namespace nmt::report
