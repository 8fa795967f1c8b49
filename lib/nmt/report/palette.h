// Colours for the pictures. Heatmaps use viridis (perceptually uniform, readable in grey and by
// colour-blind readers); line charts use the Okabe-Ito qualitative palette for the same reasons.
#pragma once

#include <cstdint>
#include <string>

namespace nmt::report {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb& o) const { return !(*this == o); }
};

// Viridis at t in [0, 1] (clamped; NaN maps to 0): viridis(0) = #440154, viridis(1) = #fde725.
// Linear interpolation in a 52-entry table sampled from matplotlib's 256-entry one (error < 1/255).
Rgb viridis(double t);

// "#rrggbb", lower case.
std::string hex(Rgb colour);

// Black or white, whichever reads better on `background` (by relative luminance).
Rgb contrasting_text(Rgb background);

// The i-th colour of the qualitative line palette (cycles after 8).
Rgb series_colour(size_t i);

}  // namespace nmt::report
