// Data-parallel process groups on LibTorch's own c10d: a TCPStore rendezvous hosted by rank 0,
// then Gloo for CPU tensors or NCCL for CUDA tensors (where LibTorch was built with it). Every
// c10d type stays inside distributed.cpp; the rest of nmt sees only this class.
//
// One process is one replica of the model. All ranks must call the collectives below in the same
// order with tensors of the same shapes (the trainer does: one update = the same calls on every
// rank). Every call is bounded by DistributedOptions::timeout: a rank that died, hangs, or never
// joined makes the others throw DistributedError naming the operation, the elapsed time, c10d's
// cause and, when it can be told, the rank at fault, instead of blocking forever.
//
// World size 1 is the default and costs nothing: no store, no threads, every collective returns
// its input at once.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt {

// A collective or the rendezvous failed (a peer died, hung or cannot be reached).
struct DistributedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DistributedOptions {
  int64_t world_size = 1;                 // processes in the job, >= 1 (env WORLD_SIZE)
  int64_t rank = 0;                       // this process, in [0, world_size) (env RANK)
  int64_t local_rank = -1;                // this process among those on its machine: picks cuda:N
                                          // (env LOCAL_RANK); -1 = same as rank
  std::string master_addr = "127.0.0.1";  // host of rank 0, which serves the rendezvous store
                                          // (env MASTER_ADDR)
  int master_port = 29500;  // TCP port of the store on master_addr, 1..65535 (env MASTER_PORT)
  std::chrono::milliseconds timeout{60000};  // bound on joining and on every collective
  std::string device = "cpu";  // where the model trains: "cpu" -> Gloo; "cuda[:N]" -> NCCL
                               // when built with it, else Gloo through host copies
  std::string interface;       // network interface Gloo uses (env GLOO_SOCKET_IFNAME);
                               // "" = the one that routes to master_addr
};

// Fills world_size, rank, local_rank, master_addr, master_port and interface from the environment
// variables torchrun sets (WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT,
// GLOO_SOCKET_IFNAME); fields whose variable is unset keep their value in `options`. Throws
// ConfigError naming the variable when a value is malformed.
DistributedOptions distributed_options_from_env(DistributedOptions options = {});

// Parses "host:port" ("[v6::addr]:port" for IPv6) into options.master_addr/master_port. Throws
// ConfigError naming `source` (e.g. "--master") when malformed.
void parse_master_address(const std::string& text, DistributedOptions& options,
                          const std::string& source = "--master");

// Throws ConfigError unless the options describe a valid rank of a valid job.
void validate(const DistributedOptions& options);

// The device a rank trains on: "cuda" (no index) becomes cuda:local_rank, so the ranks on one
// machine use one GPU each; "cpu" and an explicit "cuda:N" are kept as they are. local_rank < 0
// is taken as 0. Pure: needs no GPU.
torch::Device rank_device(const std::string& device, int64_t local_rank);

// The c10d backends this build of nmt can use ("gloo", "nccl"), as found when it was configured
// (cmake/check_c10d.cmake). Empty: LibTorch without Gloo, or gloo's headers were missing, so only
// single-process training works.
std::vector<std::string> available_backends();

class DistributedContext {
 public:
  // A single process: rank 0 of 1, every collective a no-op.
  DistributedContext();
  // Joins the job described by `options` (returns once every rank has joined and the process
  // group is connected). world_size 1 is the single-process context. Throws ConfigError for bad
  // options, DistributedError when the job cannot be formed within options.timeout (naming the
  // ranks that did not join) or when this build has no c10d backend.
  explicit DistributedContext(const DistributedOptions& options);
  ~DistributedContext();
  DistributedContext(const DistributedContext&) = delete;
  DistributedContext& operator=(const DistributedContext&) = delete;

  int64_t rank() const { return rank_; }
  int64_t world_size() const { return world_size_; }
  int64_t local_rank() const { return local_rank_; }
  // Rank 0 validates, logs and writes checkpoints; the others only train.
  bool is_primary() const { return rank_ == 0; }
  // More than one process: collectives do real work.
  bool active() const { return world_size_ > 1; }
  // "none" (world size 1), "gloo" or "nccl".
  std::string backend() const;
  // The device this rank's model lives on (the trainer's, when active()):
  // rank_device(options.device, local_rank()). CPU for the default single-process context.
  torch::Device model_device() const { return model_device_; }
  // Where the backend wants tensors: CPU for Gloo, the rank's GPU for NCCL.
  torch::Device comm_device() const { return comm_device_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Sums each tensor in place over all ranks. Tensors must be contiguous, on comm_device(), and of
  // the same dtype/shape on every rank; all are in flight together. `what` names the operation in
  // errors ("gradients").
  void all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what);
  // Overwrites each tensor with rank 0's (same requirements as all_reduce_sum).
  void broadcast_from_primary(std::vector<torch::Tensor>& tensors, const std::string& what);

  // Rank 0's `bytes` on every rank (others pass anything, e.g. ""): how ranks without the run
  // directory (other machines) get a checkpoint that only rank 0 can read.
  std::string broadcast_bytes(const std::string& bytes, const std::string& what);

  // Scalar conveniences over all_reduce_sum. Exact for integers up to 2^53.
  int64_t sum(int64_t value, const std::string& what);
  std::vector<double> sum(std::vector<double> values, const std::string& what);
  // True on every rank when any rank passes true (agreeing to stop together).
  bool any(bool flag, const std::string& what);

  // Returns once every rank has called barrier(what) (their calls must come in the same order).
  // Through the store, so the wait may be longer than the collective timeout: other ranks wait here
  // while rank 0 validates or writes a checkpoint. nullopt = timeout().
  void barrier(const std::string& what,
               std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Throws DistributedError on every rank unless all ranks pass the same `value` (a config or model
  // fingerprint), naming the ranks that differ from rank 0 and both values.
  void check_same(const std::string& what, const std::string& value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t rank_ = 0;
  int64_t world_size_ = 1;
  int64_t local_rank_ = 0;
  torch::Device model_device_{torch::kCPU};
  torch::Device comm_device_{torch::kCPU};
  std::chrono::milliseconds timeout_{60000};
};

}  // namespace nmt
