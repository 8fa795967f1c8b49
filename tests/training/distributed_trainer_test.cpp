// The Trainer as one rank of a data-parallel job: real worker processes on 127.0.0.1
// (tests/support/distributed_worker.cpp, mode `trainer`) against one process, and resuming.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nmt/training/launcher.h"
#include "support/child_process.h"
#include "support/metrics_log_reader.h"
#include "training/distributed_support.h"

namespace nmt {
namespace {

using std::chrono::milliseconds;
using test::ChildProcess;
using test::metrics_events;
using test::TempDir;
using namespace test::distributed;

// The worker's trainer mode: the reversal task, validation (a 300 ms stand-in) every 4 steps.
std::vector<std::string> trainer_args(const std::string& run_dir, int steps, int accumulate,
                                      const std::string& out, bool resume = false) {
  return {"trainer",
          "--run-dir",
          run_dir,
          "--steps",
          std::to_string(steps),
          "--accumulate",
          std::to_string(accumulate),
          "--out",
          out,
          "--valid-every",
          "4",
          "--resume",
          resume ? "1" : "0"};
}

// Runs a 2-rank trainer job to completion; both ranks must succeed.
void run_two_ranks(const TempDir& logs, const std::vector<std::string>& args, ChildProcess& rank0,
                   ChildProcess& rank1) {
  const int port = free_tcp_port();
  start_worker(rank0, logs, 0, 2, port, args);
  start_worker(rank1, logs, 1, 2, port, args);
  for (auto* child : {&rank0, &rank1}) {
    ASSERT_TRUE(child->wait_for(milliseconds(120000))) << "a rank did not finish";
    ASSERT_EQ(child->exit_code(), 0) << child->err();
  }
}

// 2 ranks x accumulate 1 see, update by update, the batches 1 process sees with accumulate 2:
// the logged losses and the parameters must agree, the replicas must be bit-identical, and only
// rank 0 may have written the run directory.
TEST(DistributedTrainer, TwoRanksEqualOneProcessAccumulatingTheirBatches) {
  SKIP_WITHOUT_C10D();
  TempDir logs, single_dir, job_dir;
  ChildProcess single;
  start_worker(single, logs, 0, 1, free_tcp_port(),
               trainer_args(single_dir.path, 10, 2, logs / "single.pt"));
  ASSERT_TRUE(single.wait_for(milliseconds(120000)));
  ASSERT_EQ(single.exit_code(), 0) << single.err();
  ChildProcess rank0, rank1;
  run_two_ranks(logs, trainer_args(job_dir.path, 10, 1, logs / "rank{rank}.pt"), rank0, rank1);
  if (HasFatalFailure()) return;

  const auto one = load_params(logs / "single.pt");
  const auto r0 = load_params(logs / "rank0.pt");
  EXPECT_EQ(max_abs_diff(r0, load_params(logs / "rank1.pt")), 0.0);
  EXPECT_LE(max_abs_diff(r0, one), 1e-5);
  // 16 batches an epoch, 8 per rank: 10 updates end at epoch 2, batch 2 of each shard (4 of all).
  EXPECT_NE(single.out().find("stopped at step 10 epoch 2 batch 4 validations 3"),
            std::string::npos)
      << single.out();
  EXPECT_NE(rank0.out().find("stopped at step 10 epoch 2 batch 2 validations 3"), std::string::npos)
      << rank0.out();
  EXPECT_NE(rank1.out().find("stopped at step 10 epoch 2 batch 2 validations 0"), std::string::npos)
      << rank1.out();

  // The same losses and token counts were logged, from the sums over both ranks.
  const auto single_train = metrics_events(single_dir.path, "train"),
             job_train = metrics_events(job_dir.path, "train");
  ASSERT_EQ(job_train.size(), 10u);
  ASSERT_EQ(single_train.size(), job_train.size());
  for (size_t i = 0; i < job_train.size(); ++i)
    EXPECT_NEAR(job_train[i]["loss"].get<double>(), single_train[i]["loss"].get<double>(), 1e-4)
        << "event " << i;
  // Written once: one start, one stop, rank 0's validations only, one final checkpoint.
  EXPECT_EQ(metrics_events(job_dir.path, "start").size(), 1u);
  EXPECT_EQ(metrics_events(job_dir.path, "stop").size(), 1u);
  EXPECT_EQ(metrics_events(job_dir.path, "valid").size(), 3u);  // steps 4, 8 and the end
  EXPECT_TRUE(std::filesystem::exists(job_dir / "checkpoints/last.pt"));
  std::ifstream log(job_dir / "train.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("parameters of all 2 ranks are identical"), std::string::npos) << text;
  EXPECT_EQ(text.find("rank 1 of 2"), std::string::npos) << "rank 1 wrote to train.log:\n" << text;
}

// Stopping a 2-rank job at step 5 and resuming it (every rank from last.pt, each at its own shard
// position) ends where an uninterrupted job does.
TEST(DistributedTrainer, ResumedJobEndsWithTheParametersOfAStraightOne) {
  SKIP_WITHOUT_C10D();
  TempDir logs, straight_dir, resumed_dir;
  ChildProcess s0, s1, a0, a1, b0, b1;
  run_two_ranks(logs, trainer_args(straight_dir.path, 10, 1, logs / "straight{rank}.pt"), s0, s1);
  if (HasFatalFailure()) return;
  run_two_ranks(logs, trainer_args(resumed_dir.path, 5, 1, logs / "first{rank}.pt"), a0, a1);
  if (HasFatalFailure()) return;
  run_two_ranks(logs,
                trainer_args(resumed_dir.path, 10, 1, logs / "resumed{rank}.pt", /*resume=*/true),
                b0, b1);
  if (HasFatalFailure()) return;
  EXPECT_NE(b1.out().find("stopped at step 10 epoch 2 batch 2"), std::string::npos) << b1.out();
  const auto straight = load_params(logs / "straight0.pt");
  EXPECT_EQ(max_abs_diff(load_params(logs / "resumed0.pt"), straight), 0.0);
  EXPECT_EQ(max_abs_diff(load_params(logs / "resumed1.pt"), straight), 0.0);
  EXPECT_GT(max_abs_diff(load_params(logs / "first0.pt"), straight),
            1e-4);                                                  // the second half trained
  EXPECT_EQ(metrics_events(resumed_dir.path, "start").size(), 2u);  // one per run, both from rank 0
}

}  // namespace
}  // namespace nmt
