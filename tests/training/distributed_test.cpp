// Data-parallel training on c10d: real processes on 127.0.0.1 (tests/support/distributed_worker.cpp
// drives a tiny transformer exactly as the trainer does), compared with one process; and what
// happens when a worker dies, hangs or never starts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>

#include "nmt/training/distributed.h"
#include "nmt/training/gradient_sync.h"
#include "nmt/training/launcher.h"
#include "nmt/util/error.h"
#include "support/child_process.h"
#include "training/distributed_support.h"

namespace nmt {
namespace {

using std::chrono::milliseconds;
using test::ChildProcess;
using test::TempDir;
using namespace test::distributed;

TEST(DistributedOptions, ParsesMasterAddresses) {
  DistributedOptions o;
  parse_master_address("node7.cluster:29501", o);
  EXPECT_EQ(o.master_addr, "node7.cluster");
  EXPECT_EQ(o.master_port, 29501);
  parse_master_address("[fd00::1]:1234", o);
  EXPECT_EQ(o.master_addr, "fd00::1");
  EXPECT_EQ(o.master_port, 1234);
  for (const char* bad : {"node7", ":29500", "node7:", "node7:http", "node7:70000", "[::1]1234"})
    EXPECT_THROW(parse_master_address(bad, o), ConfigError) << bad;
}

TEST(DistributedOptions, ReadsTorchrunEnvironmentAndRejectsBadValues) {
  setenv("WORLD_SIZE", "4", 1);
  setenv("RANK", "3", 1);
  setenv("LOCAL_RANK", "1", 1);
  setenv("MASTER_ADDR", "10.1.2.3", 1);
  setenv("MASTER_PORT", "23456", 1);
  const auto o = distributed_options_from_env();
  EXPECT_EQ(o.world_size, 4);
  EXPECT_EQ(o.rank, 3);
  EXPECT_EQ(o.local_rank, 1);
  EXPECT_EQ(o.master_addr, "10.1.2.3");
  EXPECT_EQ(o.master_port, 23456);
  EXPECT_NO_THROW(validate(o));
  setenv("RANK", "three", 1);
  EXPECT_THROW(distributed_options_from_env(), ConfigError);
  setenv("RANK", "4", 1);
  EXPECT_THROW(validate(distributed_options_from_env()), ConfigError);  // rank outside [0, 4)
  for (const char* name : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
    unsetenv(name);
  EXPECT_EQ(distributed_options_from_env().world_size, 1);
}

// Each rank on a machine trains on its own GPU: "cuda" is cuda:LOCAL_RANK (no GPU needed to say
// so).
TEST(DistributedOptions, RankDeviceIsTheLocalRanksGpu) {
  EXPECT_EQ(rank_device("cpu", 3), torch::Device(torch::kCPU));
  EXPECT_EQ(rank_device("cuda", 0), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(rank_device("cuda", 3), torch::Device(torch::kCUDA, 3));
  EXPECT_EQ(rank_device("cuda", -1), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(rank_device("cuda:1", 3), torch::Device(torch::kCUDA, 1))
      << "an explicit index is kept";

  DistributedOptions options;
  options.device = "cuda";
  options.rank = 0;
  options.local_rank = 2;
  EXPECT_EQ(DistributedContext(options).model_device(), torch::Device(torch::kCUDA, 2));
  options.local_rank = -1;  // unset: the rank
  EXPECT_EQ(DistributedContext(options).model_device(), torch::Device(torch::kCUDA, 0));
}

TEST(DistributedContext, SingleProcessIsANoOp) {
  DistributedContext context;
  EXPECT_FALSE(context.active());
  EXPECT_TRUE(context.is_primary());
  EXPECT_EQ(context.backend(), "none");
  EXPECT_EQ(context.sum(int64_t{42}, "tokens"), 42);
  EXPECT_EQ(context.sum(std::vector<double>{1.5, -2.0}, "stats"), (std::vector<double>{1.5, -2.0}));
  EXPECT_TRUE(context.any(true, "stop"));
  std::vector<torch::Tensor> tensors{torch::ones({3})};
  context.all_reduce_sum(tensors, "x");
  EXPECT_TRUE(tensors[0].equal(torch::ones({3})));
  context.barrier("nothing to wait for");

  DistributedOptions options;  // world size 1 through the options constructor: the same path
  DistributedContext from_options(options);
  EXPECT_FALSE(from_options.active());
  EXPECT_EQ(from_options.backend(), "none");
}

// Without a backend a single process still trains, and a job is refused with the reason.
TEST(DistributedContext, WithoutABackendAJobIsRefusedNamingTheCause) {
  if (!available_backends().empty())
    GTEST_SKIP() << "this build has c10d; the refusal is compiled out";
  DistributedOptions options;
  options.world_size = 2;
  try {
    DistributedContext context(options);
    FAIL() << "a 2-process job was accepted without a c10d backend";
  } catch (const DistributedError& e) {
    EXPECT_NE(std::string(e.what()).find("no c10d backend"), std::string::npos) << e.what();
  }
}

TEST(GradientSync, SingleProcessLeavesGradientsAloneAndKeepsTiedParametersOnce) {
  DistributedContext context;
  auto shared = torch::randn({4, 3}, torch::requires_grad());
  auto other = torch::randn({5}, torch::requires_grad());
  (shared.sum() * 2 + other.sum()).backward();
  const auto before = shared.grad().clone();
  GradientSync sync(context, {shared, other, shared});
  EXPECT_EQ(sync.parameter_count(), 2);
  std::vector<double> stats{3.0};
  sync.all_reduce(&stats);
  sync.broadcast_parameters();
  EXPECT_TRUE(shared.grad().equal(before));
  EXPECT_EQ(stats[0], 3.0);
}

TEST(GradientSync, PacksParametersIntoBucketsOfTheGivenSize) {
  DistributedContext context;
  std::vector<torch::Tensor> params;
  for (int i = 0; i < 10; ++i) params.push_back(torch::zeros({256}));  // 1 KiB each
  params.push_back(torch::zeros({2048}));                              // 8 KiB: alone
  params.push_back(torch::zeros({8}, torch::kFloat64));                // another dtype: apart
  EXPECT_EQ(GradientSync(context, params, {/*bucket_bytes=*/4096}).bucket_count(), 1 + 3 + 1);
  EXPECT_EQ(GradientSync(context, params, {/*bucket_bytes=*/1 << 20}).bucket_count(), 2);
}

// The core promise: W workers with batch B each give the parameters 1 process gets from the same
// W*B examples (and rank 1 ends bit-identical to rank 0). The ranks start from different random
// parameters, so this also proves the initial broadcast.
TEST(DistributedTraining, TwoWorkersMatchOneProcessOnTheSameExamples) {
  SKIP_WITHOUT_C10D();
  TempDir dir;
  const std::vector<std::string> common{"train", "--steps",      "3",    "--global-rows",
                                        "8",     "--timeout-ms", "20000"};
  auto with_out = [&](const std::string& name) {
    auto args = common;
    args.insert(args.end(), {"--out", dir / name});
    return args;
  };
  const int port = free_tcp_port();
  ChildProcess single, rank0, rank1;
  start_worker(single, dir, 0, 1, port, with_out("single.pt"));
  start_worker(rank0, dir, 0, 2, port, with_out("rank0.pt"));
  start_worker(rank1, dir, 1, 2, port, with_out("rank1.pt"));
  for (auto* child : {&single, &rank0, &rank1}) {
    ASSERT_TRUE(child->wait_for(milliseconds(60000)));
    ASSERT_EQ(child->exit_code(), 0) << child->err();
  }
  const auto one = load_params(dir / "single.pt");
  const auto r0 = load_params(dir / "rank0.pt");
  const auto r1 = load_params(dir / "rank1.pt");
  EXPECT_EQ(max_abs_diff(r0, r1), 0.0);
  EXPECT_LE(max_abs_diff(r0, one), 1e-5);
  // Training moved the parameters well beyond that tolerance (3 Adam steps of lr 1e-3).
  TempDir fresh;
  ChildProcess untrained;
  untrained.start(NMT_DISTRIBUTED_WORKER, {"train", "--steps", "0", "--out", fresh / "p.pt"},
                  rank_env(0, 1, port), fresh / "out", fresh / "err");
  ASSERT_TRUE(untrained.wait_for(milliseconds(30000)));
  EXPECT_GT(max_abs_diff(load_params(fresh / "p.pt"), one), 1e-3);
  EXPECT_NE(rank1.out().find("rank 0 says: hello from rank 0"), std::string::npos) << rank1.out();
  // Both runs saw all 8 pairs' target tokens at every step.
  EXPECT_EQ(single.out().substr(single.out().find("tokens")),
            rank0.out().substr(rank0.out().find("tokens")));
}

TEST(DistributedTraining, KilledWorkerMakesTheOtherStopNamingIt) {
  SKIP_WITHOUT_C10D();
  TempDir dir;
  const int port = free_tcp_port();
  const std::vector<std::string> args{"train", "--steps",      "100000", "--sleep-ms",
                                      "20",    "--timeout-ms", "5000"};
  ChildProcess rank0, rank1;
  start_worker(rank0, dir, 0, 2, port, args);
  start_worker(rank1, dir, 1, 2, port, args);
  ASSERT_TRUE(rank1.wait_for_output("step 3 ", milliseconds(30000))) << rank1.err();
  rank1.kill(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(rank0.wait_for(milliseconds(15000))) << "rank 0 still running 15 s after rank 1 died";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  EXPECT_LT(seconds, 5.0 + 2.0 + 1.0);  // within the timeout (+ the 2 s failure-report grace)
  EXPECT_EQ(rank0.exit_code(), 1);
  const std::string err = rank0.err();
  EXPECT_NE(err.find("distributed: rank 0 of 2"), std::string::npos) << err;
  EXPECT_NE(err.find("rank 1 sent no failure report"), std::string::npos) << err;
}

TEST(DistributedTraining, HungWorkerMakesTheOtherTimeOut) {
  SKIP_WITHOUT_C10D();
  TempDir dir;
  const int port = free_tcp_port();
  const std::vector<std::string> args{"train", "--steps",      "100000", "--sleep-ms",
                                      "20",    "--timeout-ms", "3000"};
  ChildProcess rank0, rank1;
  start_worker(rank0, dir, 0, 2, port, args);
  start_worker(rank1, dir, 1, 2, port, args);
  ASSERT_TRUE(rank1.wait_for_output("step 3 ", milliseconds(30000))) << rank1.err();
  rank1.kill(SIGSTOP);  // alive, connections open, but silent
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(rank0.wait_for(milliseconds(20000))) << "rank 0 hangs although rank 1 is stopped";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count();
  EXPECT_GT(seconds, 2.0);
  EXPECT_LT(seconds, 3.0 + 2.0 + 5.0);
  EXPECT_EQ(rank0.exit_code(), 1);
  const std::string err = rank0.err();
  EXPECT_NE(err.find("timed out after"), std::string::npos) << err;
  EXPECT_NE(err.find("rank 1 sent no failure report"), std::string::npos) << err;
  rank1.kill(SIGKILL);
}

TEST(DistributedTraining, WorkerThatNeverStartsIsNamedAtJoin) {
  SKIP_WITHOUT_C10D();
  TempDir dir;
  ChildProcess rank0;
  start_worker(rank0, dir, 0, 2, free_tcp_port(), {"train", "--timeout-ms", "2000"});
  ASSERT_TRUE(rank0.wait_for(milliseconds(15000)));
  EXPECT_EQ(rank0.exit_code(), 1);
  EXPECT_LT(rank0.seconds(), 2.0 + 8.0);  // process start-up + the 2 s timeout
  EXPECT_NE(rank0.err().find("joining timed out after"), std::string::npos) << rank0.err();
  EXPECT_NE(rank0.err().find("rank 1 has not arrived"), std::string::npos) << rank0.err();
}

TEST(DistributedTraining, UnreachableRankZeroIsReported) {
  SKIP_WITHOUT_C10D();
  TempDir dir;
  const int port = free_tcp_port();
  ChildProcess rank1;
  start_worker(rank1, dir, 1, 2, port, {"train", "--timeout-ms", "2000"});
  ASSERT_TRUE(rank1.wait_for(milliseconds(15000)));
  EXPECT_EQ(rank1.exit_code(), 1);
  EXPECT_NE(rank1.err().find("cannot reach the rendezvous store on rank 0 at 127.0.0.1:" +
                             std::to_string(port)),
            std::string::npos)
      << rank1.err();
}

TEST(Launcher, RunsWorkersAndPrefixesTheOthersOutput) {
  SKIP_WITHOUT_C10D();
  const auto r = test::run_command(std::string(NMT_DISTRIBUTED_WORKER) +
                                   " launch --nproc 2 -- train --steps 2 --timeout-ms 20000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[rank 1] step 2 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nstep 2 "), std::string::npos) << r.out;  // rank 0 unprefixed
}

TEST(Launcher, FailedWorkerStopsTheOthersAndIsNamed) {
  SKIP_WITHOUT_C10D();
  const auto start = std::chrono::steady_clock::now();
  const auto r =
      test::run_command(std::string(NMT_DISTRIBUTED_WORKER) +
                        " launch --nproc 2 -- train --steps 100000 --sleep-ms 20 --fail-rank 1"
                        " --fail-step 3 --timeout-ms 20000");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("[rank 1] worker: rank 1 fails on purpose"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: distributed: rank 1 exited with status 3"), std::string::npos)
      << r.err;
  EXPECT_LT(seconds, 15.0);  // not the 20 s collective timeout: the launcher stopped rank 0
}

TEST(Launcher, RemovesItsOwnOptionFromTheWorkersCommandLine) {
  const std::vector<std::string> args{"nmt",      "train", "--nproc",   "2",
                                      "--preset", "tiny",  "--nproc=3", "-x"};
  EXPECT_EQ(without_option(args, "--nproc"),
            (std::vector<std::string>{"nmt", "train", "--preset", "tiny", "-x"}));
  EXPECT_GT(free_tcp_port(), 0);
  EXPECT_FALSE(own_command_line().empty());
}

}  // namespace
}  // namespace nmt
