// Nice ticks, log ticks and tick labels.
#include <gtest/gtest.h>

#include "nmt/report/axis.h"

using namespace nmt::report;

TEST(Axis, NiceSpacingRoundsToOneTwoFive) {
  EXPECT_DOUBLE_EQ(nice_spacing(0.9), 1.0);
  EXPECT_DOUBLE_EQ(nice_spacing(2.4), 2.0);
  EXPECT_DOUBLE_EQ(nice_spacing(4.0), 5.0);
  EXPECT_DOUBLE_EQ(nice_spacing(8.0), 10.0);
  EXPECT_DOUBLE_EQ(nice_spacing(0.00028), 0.0002);
  EXPECT_DOUBLE_EQ(nice_spacing(1800.0), 2000.0);
}

TEST(Axis, LinearDomainWidensToTicks) {
  const Axis a = linear_axis(120, 19870, 6);
  EXPECT_DOUBLE_EQ(a.lo, 0.0);
  EXPECT_DOUBLE_EQ(a.hi, 20000.0);
  const std::vector<double> want = {0, 5000, 10000, 15000, 20000};
  EXPECT_EQ(a.ticks, want);
}

TEST(Axis, LinearTicksAreExactDecimals) {
  const Axis a = linear_axis(0.1, 0.7, 6);
  ASSERT_FALSE(a.ticks.empty());
  EXPECT_EQ(format_tick(a.ticks[2], a.ticks[1] - a.ticks[0]), "0.3");
  EXPECT_NEAR(a.lo, 0.1, 1e-12);
  EXPECT_NEAR(a.hi, 0.7, 1e-12);
}

TEST(Axis, ConstantRangeIsWidened) {
  const Axis a = linear_axis(5, 5);
  EXPECT_LT(a.lo, 5.0);
  EXPECT_GT(a.hi, 5.0);
  const Axis z = linear_axis(0, 0);
  EXPECT_DOUBLE_EQ(z.lo, 0.0);  // a non-negative quantity stays non-negative
  EXPECT_GT(z.hi, 0.0);
}

TEST(Axis, LogTicksUseDecadesWhenTheDataSpanThem) {
  const Axis a = log_axis(1.7, 480);
  EXPECT_TRUE(a.log);
  const std::vector<double> want = {1, 10, 100, 1000};
  EXPECT_EQ(a.ticks, want);
}

TEST(Axis, LogTicksFallBackToOneTwoFive) {
  const Axis a = log_axis(2.1, 9.0);  // one decade: 1-2-5 gives 2, 5, 10
  const std::vector<double> want = {2, 5, 10};
  EXPECT_EQ(a.ticks, want);
  EXPECT_DOUBLE_EQ(a.lo, 2.0);
  EXPECT_DOUBLE_EQ(a.hi, 10.0);
}

TEST(Axis, NarrowLogRangeGetsLinearTicks) {
  const Axis a = log_axis(2.31, 2.78);
  EXPECT_TRUE(a.log);
  EXPECT_GE(a.ticks.size(), 3u);
  EXPECT_LE(a.lo, 2.31);
  EXPECT_GE(a.hi, 2.78);
}

TEST(Axis, MapsValuesToPixels) {
  Axis a = linear_axis(0, 100);
  a.pixel_lo = 300, a.pixel_hi = 100;  // a y axis: larger values go up
  EXPECT_DOUBLE_EQ(a.map(0), 300);
  EXPECT_DOUBLE_EQ(a.map(50), 200);
  Axis l = log_axis(1, 100);
  l.pixel_lo = 0, l.pixel_hi = 200;
  EXPECT_DOUBLE_EQ(l.map(10), 100);
}

TEST(Axis, TickLabelsAreShort) {
  EXPECT_EQ(format_tick(0, 5), "0");
  EXPECT_EQ(format_tick(0, 0.5), "0.0");
  EXPECT_EQ(format_tick(0, 0.0002), "0");
  EXPECT_EQ(format_tick(1, 0.2), "1.0");
  EXPECT_EQ(format_tick(0.25, 0.05), "0.25");
  EXPECT_EQ(format_tick(15000, 5000), "15k");
  EXPECT_EQ(format_tick(5000, 5000), "5k");  // the whole axis in one notation
  EXPECT_EQ(format_tick(1500, 500), "1500");
  EXPECT_EQ(format_tick(12500, 2500), "12.5k");
  EXPECT_EQ(format_tick(3e6, 1e6), "3M");
  EXPECT_EQ(format_tick(0.0007, 0.0001), "7e-4");
  EXPECT_EQ(format_tick(0.00025, 0.00005), "2.5e-4");
  EXPECT_EQ(format_tick(20, 20), "20");
}
