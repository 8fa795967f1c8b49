#include <gtest/gtest.h>

#include <cmath>

#include "nmt/training/lr_schedule.h"
#include "nmt/util/error.h"

namespace nmt {
namespace {

using Kind = LrSchedule::Kind;

TEST(LrSchedule, InverseSqrtWarmsUpLinearlyThenDecaysAsInverseSqrt) {
  const LrSchedule s(Kind::inverse_sqrt, 7e-4, 4000);
  EXPECT_DOUBLE_EQ(s.at(1), 7e-4 / 4000);
  EXPECT_DOUBLE_EQ(s.at(1000), 7e-4 * 0.25);
  EXPECT_DOUBLE_EQ(s.at(4000), 7e-4);  // the peak is reached at the last warm-up step
  EXPECT_DOUBLE_EQ(s.at(16000), 7e-4 * 0.5);
  EXPECT_DOUBLE_EQ(s.at(9000), 7e-4 * std::sqrt(4000.0 / 9000.0));
  EXPECT_LT(s.at(4001), s.at(4000));
}

TEST(LrSchedule, InverseSqrtWithoutWarmupDecaysFromThePeak) {
  const LrSchedule s(Kind::inverse_sqrt, 1e-3, 0);
  EXPECT_DOUBLE_EQ(s.at(1), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(100), 1e-4);
}

TEST(LrSchedule, ConstantHoldsThePeakAfterWarmup) {
  const LrSchedule s(Kind::constant, 3e-4, 10);
  EXPECT_DOUBLE_EQ(s.at(5), 1.5e-4);
  EXPECT_DOUBLE_EQ(s.at(10), 3e-4);
  EXPECT_DOUBLE_EQ(s.at(1000000), 3e-4);
  EXPECT_DOUBLE_EQ(LrSchedule(Kind::constant, 3e-4, 0).at(1), 3e-4);
}

TEST(LrSchedule, CosineFallsFromPeakToMinimumAtMaxSteps) {
  const LrSchedule s(Kind::cosine, 1e-3, 100, 1e-5, 1100);
  EXPECT_DOUBLE_EQ(s.at(50), 5e-4);
  EXPECT_DOUBLE_EQ(s.at(100), 1e-3);
  EXPECT_NEAR(s.at(600), 1e-5 + (1e-3 - 1e-5) * 0.5, 1e-15);  // half way: cos(pi/2) = 0
  EXPECT_NEAR(s.at(350), 1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-15);
  EXPECT_DOUBLE_EQ(s.at(1100), 1e-5);
  EXPECT_DOUBLE_EQ(s.at(5000), 1e-5);
  for (int64_t step = 101; step < 1100; step += 37) EXPECT_GT(s.at(step), s.at(step + 37));
}

TEST(LrSchedule, CosineNeedsMaxStepsBeyondWarmup) {
  TrainConfig config;
  config.schedule = "cosine";
  config.max_steps = 0;
  EXPECT_THROW(LrSchedule{config}, ConfigError);
  config.max_steps = config.warmup_steps;
  EXPECT_THROW(LrSchedule{config}, ConfigError);
  config.max_steps = config.warmup_steps + 1;
  EXPECT_NO_THROW(LrSchedule{config});
}

TEST(LrSchedule, ReadsTheTrainConfig) {
  TrainConfig config;
  config.lr = 2e-3;
  config.warmup_steps = 8;
  config.schedule = "constant";
  const LrSchedule s(config);
  EXPECT_EQ(s.kind(), Kind::constant);
  EXPECT_DOUBLE_EQ(s.at(4), 1e-3);
  EXPECT_EQ(s.describe(), "constant(lr=0.002, warmup=8)");
}

}  // namespace
}  // namespace nmt
