// Viridis lookup against matplotlib's table, and the helper colours.
#include <gtest/gtest.h>

#include <cstdlib>

#include "nmt/report/palette.h"

using namespace nmt::report;

namespace {
Rgb parse(const std::string& hex) {
  const long v = std::strtol(hex.c_str() + 1, nullptr, 16);
  return Rgb{static_cast<uint8_t>(v >> 16), static_cast<uint8_t>((v >> 8) & 255),
             static_cast<uint8_t>(v & 255)};
}
}  // namespace

TEST(Palette, ViridisEndsAreExact) {
  EXPECT_EQ(hex(viridis(0.0)), "#440154");
  EXPECT_EQ(hex(viridis(1.0)), "#fde725");
  EXPECT_EQ(hex(viridis(-3.0)), "#440154");  // clamped
  EXPECT_EQ(hex(viridis(7.0)), "#fde725");
  EXPECT_EQ(hex(viridis(NAN)), "#440154");
}

TEST(Palette, ViridisMatchesMatplotlibWithinOneStep) {
  // matplotlib.cm.viridis(t) for t = 0.1 ... 0.9 (the familiar 11-step viridis list).
  const std::pair<double, const char*> expected[] = {
      {0.1, "#482475"}, {0.2, "#414487"}, {0.3, "#355f8d"}, {0.4, "#2a788e"}, {0.5, "#21918c"},
      {0.6, "#22a884"}, {0.7, "#44bf70"}, {0.8, "#7ad151"}, {0.9, "#bddf26"}};
  for (const auto& [t, h] : expected) {
    const Rgb got = viridis(t), want = parse(h);
    EXPECT_LE(std::abs(got.r - want.r), 2) << t;
    EXPECT_LE(std::abs(got.g - want.g), 2) << t;
    EXPECT_LE(std::abs(got.b - want.b), 2) << t;
  }
}

TEST(Palette, TextContrastsWithBackground) {
  EXPECT_EQ(contrasting_text(viridis(0.0)), (Rgb{255, 255, 255}));
  EXPECT_EQ(contrasting_text(viridis(1.0)), (Rgb{0, 0, 0}));
}

TEST(Palette, SeriesColoursAreDistinctAndCycle) {
  for (size_t i = 0; i < 8; ++i)
    for (size_t j = i + 1; j < 8; ++j) EXPECT_NE(series_colour(i), series_colour(j));
  EXPECT_EQ(series_colour(0), series_colour(8));
  EXPECT_EQ(hex(series_colour(0)), "#0072b2");
}
