#include "nmt/report/palette.h"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace nmt::report {
namespace {

// matplotlib's viridis (CC0, by Stéfan van der Walt and Nathaniel Smith), entries 0, 5, ..., 255
// of its 256-entry table, so the anchors are evenly spaced and both ends are exact.
constexpr uint32_t kViridis[] = {
    0x440154, 0x46085c, 0x471063, 0x481769, 0x481d6f, 0x482475, 0x472a7a, 0x46307e, 0x453781,
    0x433d84, 0x414287, 0x3f4889, 0x3d4e8a, 0x3a538b, 0x38598c, 0x355e8d, 0x33638d, 0x31688e,
    0x2e6d8e, 0x2c718e, 0x2a768e, 0x297b8e, 0x27808e, 0x25848e, 0x23898e, 0x218e8d, 0x20928c,
    0x1f978b, 0x1e9c89, 0x1fa188, 0x21a585, 0x24aa83, 0x28ae80, 0x2eb37c, 0x35b779, 0x3dbc74,
    0x46c06f, 0x50c46a, 0x5ac864, 0x65cb5e, 0x70cf57, 0x7cd250, 0x89d548, 0x95d840, 0xa2da37,
    0xb0dd2f, 0xbddf26, 0xcae11f, 0xd8e219, 0xe5e419, 0xf1e51d, 0xfde725,
};

// Okabe & Ito (2008), "Color Universal Design": distinguishable under every common colour-vision
// deficiency. Blue and vermillion first: the two most often paired series (train vs valid).
constexpr uint32_t kSeries[] = {0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7,
                                0xe69f00, 0x56b4e9, 0x000000, 0xf0e442};

Rgb unpack(uint32_t v) {
  return Rgb{static_cast<uint8_t>(v >> 16), static_cast<uint8_t>((v >> 8) & 0xFF),
             static_cast<uint8_t>(v & 0xFF)};
}

}  // namespace

Rgb viridis(double t) {
  if (!(t > 0.0)) t = 0.0;  // also catches NaN
  if (t > 1.0) t = 1.0;
  constexpr size_t n = std::size(kViridis);
  const double pos = t * static_cast<double>(n - 1);
  const size_t k = std::min(static_cast<size_t>(pos), n - 2);
  const double f = pos - static_cast<double>(k);
  const Rgb a = unpack(kViridis[k]);
  const Rgb b = unpack(kViridis[k + 1]);
  const auto mix = [f](uint8_t x, uint8_t y) {
    return static_cast<uint8_t>(std::lround(x + (static_cast<double>(y) - x) * f));
  };
  return Rgb{mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

std::string hex(Rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

Rgb contrasting_text(Rgb bg) {
  // WCAG relative luminance; 0.179 is where black and white have equal contrast.
  const auto lin = [](uint8_t v) {
    const double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  const double l = 0.2126 * lin(bg.r) + 0.7152 * lin(bg.g) + 0.0722 * lin(bg.b);
  return l > 0.179 ? Rgb{0, 0, 0} : Rgb{255, 255, 255};
}

Rgb series_colour(size_t i) { return unpack(kSeries[i % std::size(kSeries)]); }

}  // namespace nmt::report
