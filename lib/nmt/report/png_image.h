// A minimal PNG encoder (8-bit RGB, zlib-compressed, no filtering) and base64, so large heatmaps
// can be embedded in SVG/HTML as one data: URI instead of thousands of <rect> elements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/report/palette.h"

namespace nmt::report {

// The bytes of a PNG file of width x height pixels, row-major `pixels` (width * height entries).
// Throws std::invalid_argument on a size mismatch, std::runtime_error when zlib fails.
std::string encode_png(int64_t width, int64_t height, const std::vector<Rgb>& pixels);

// Standard base64 (RFC 4648) with padding.
std::string base64(std::string_view bytes);

// "data:image/png;base64,..." for the picture.
std::string png_data_uri(int64_t width, int64_t height, const std::vector<Rgb>& pixels);

}  // namespace nmt::report
