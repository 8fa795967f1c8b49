// A dense row-major matrix of floats: what the pictures draw (attention weights, positional
// encodings). Plain C++ so the SVG/HTML code needs no LibTorch; torch-side code converts with
// to_matrix() in attention_matrices.h.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace nmt::report {

struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;  // rows * cols entries, row-major

  Matrix() = default;
  Matrix(int64_t r, int64_t c, float fill = 0.0f)
      : rows(r), cols(c), values(static_cast<size_t>(r * c), fill) {
    if (r < 0 || c < 0) throw std::invalid_argument("Matrix: negative size");
  }
  // Builds from nested rows, which must all have the same length.
  static Matrix from_rows(const std::vector<std::vector<float>>& data) {
    Matrix m(static_cast<int64_t>(data.size()),
             data.empty() ? 0 : static_cast<int64_t>(data[0].size()));
    for (int64_t r = 0; r < m.rows; ++r) {
      if (static_cast<int64_t>(data[r].size()) != m.cols)
        throw std::invalid_argument("Matrix::from_rows: rows of different lengths");
      for (int64_t c = 0; c < m.cols; ++c) m.at(r, c) = data[r][c];
    }
    return m;
  }

  float& at(int64_t r, int64_t c) { return values[static_cast<size_t>(r * cols + c)]; }
  float at(int64_t r, int64_t c) const { return values[static_cast<size_t>(r * cols + c)]; }
  bool empty() const { return rows == 0 || cols == 0; }
};

}  // namespace nmt::report
