// `nmt train --nproc 2`: the launcher, two ranks training one model on a tiny synthetic corpus,
// rank 0 alone writing the run directory, and resuming such a run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/metrics_log_reader.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt {
namespace {

using test::metrics_events;
namespace fs = std::filesystem;
using test::run_nmt;

void write_corpus(const test::TempDir& dir) {
  std::string src, tgt, vsrc, vtgt;
  for (const auto& [s, t] : test::synthetic_pairs(400, 12, 3)) {
    src += s + "\n";
    tgt += t + "\n";
  }
  for (const auto& [s, t] : test::synthetic_pairs(20, 12, 99)) {
    vsrc += s + "\n";
    vtgt += t + "\n";
  }
  test::write_file(dir / "train.en", src);
  test::write_file(dir / "train.de", tgt);
  test::write_file(dir / "val.en", vsrc);
  test::write_file(dir / "val.de", vtgt);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(DistributedTrainCli, TwoLocalRanksTrainOneModelAndRankZeroWritesTheRunOnce) {
  test::TempDir dir;
  write_corpus(dir);
  const std::string run = dir / "run";
  const auto first = run_nmt(
      "train --nproc 2 --preset tiny --src " + dir / "train.en" + " --tgt " + dir / "train.de" +
      " --valid-src " + dir / "val.en" + " --valid-tgt " + dir / "val.de" + " --out " + run +
      " --set data.vocab_size=120 --set train.max_steps=4 --set train.save_every=2"
      " --set train.valid_every=2 --set train.log_every=1 --threads 1");
  if (first.err.find("no c10d backend") != std::string::npos)
    GTEST_SKIP() << "this build has no c10d backend";
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("data parallel: rank 0 of 2 (gloo)"), std::string::npos) << first.err;
  // The ranks compared their parameters at the end (a mismatch is an error, exit 1).
  EXPECT_NE(first.err.find("the parameters of all 2 ranks are identical"), std::string::npos)
      << first.err;
  EXPECT_EQ(count(first.err, "[rank 1] [nmt]"), 0u) << "rank 1 logged info lines:\n" << first.err;

  for (const char* file :
       {"config.json", "spm.model", "checkpoints/step-0000002.pt", "checkpoints/step-0000004.pt",
        "checkpoints/last.pt", "checkpoints/best.pt"})
    EXPECT_TRUE(fs::exists(run + "/" + file)) << file;
  EXPECT_EQ(metrics_events(run, "start").size(), 1u);
  EXPECT_EQ(metrics_events(run, "stop").size(), 1u);
  EXPECT_EQ(metrics_events(run, "train").size(), 4u);
  EXPECT_EQ(metrics_events(run, "valid").size(), 2u);
  EXPECT_EQ(count(test::read_file(run + "/train.log"), "training stopped at step 4"), 1u);

  const auto resumed =
      run_nmt("train --nproc 2 --resume " + run + " --set train.max_steps=6 --threads 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at step 4"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("the parameters of all 2 ranks are identical"), std::string::npos)
      << resumed.err;
  const auto stops = metrics_events(run, "stop");
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[1]["step"], 6);
  EXPECT_EQ(metrics_events(run, "train").size(), 6u);
}

TEST(DistributedTrainCli, NprocRefusesRankFlagsOfAnotherJob) {
  const auto r = run_nmt("train --nproc 2 --rank 1 --preset tiny --src a --tgt b --out x");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--nproc starts a job of its own"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nmt
