// Helpers shared by the multi-process tests: start tests/support/distributed_worker.cpp as rank r
// of a job on 127.0.0.1, and compare the parameter files the workers leave.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "nmt/training/distributed.h"
#include "support/child_process.h"

namespace nmt::test::distributed {

using Env = std::vector<std::pair<std::string, std::string>>;

// Jobs of several processes need a c10d backend; a build without one compiles them out.
#define SKIP_WITHOUT_C10D()                \
  if (::nmt::available_backends().empty()) \
  GTEST_SKIP() << "this build has no c10d backend (LibTorch without Gloo, or no gloo headers)"

// The torchrun variables of rank `rank` of `world` with the store on 127.0.0.1:port.
inline Env rank_env(int rank, int world, int port) {
  return {{"RANK", std::to_string(rank)},
          {"WORLD_SIZE", std::to_string(world)},
          {"LOCAL_RANK", std::to_string(rank)},
          {"MASTER_ADDR", "127.0.0.1"},
          {"MASTER_PORT", std::to_string(port)}};
}

// Starts the worker as that rank; its output goes to DIR/w<world>r<rank>.out and .err.
inline void start_worker(ChildProcess& child, const TempDir& dir, int rank, int world, int port,
                         const std::vector<std::string>& args) {
  const std::string name = "w" + std::to_string(world) + "r" + std::to_string(rank);
  child.start(NMT_DISTRIBUTED_WORKER, args, rank_env(rank, world, port), dir / (name + ".out"),
              dir / (name + ".err"));
}

// The tensor list a worker saved with --out.
inline std::vector<torch::Tensor> load_params(const std::string& path) {
  std::vector<torch::Tensor> params;
  torch::load(params, path);
  return params;
}

// Largest elementwise difference of two parameter lists of the same layout.
inline double max_abs_diff(const std::vector<torch::Tensor>& a,
                           const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0.0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    diff = std::max(diff, (a[i] - b[i]).abs().max().item<double>());
  return diff;
}

}  // namespace nmt::test::distributed
