// DistributedContext on c10d. The only file of nmt that includes c10d headers; API differences
// between LibTorch 1.13 and 2.x are guarded here with TORCH_VERSION_MAJOR.
#include "nmt/training/distributed.h"

#include <torch/version.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "nmt/training/c10d_config.h"
#include "nmt/util/error.h"
#include "nmt/util/log.h"

// Not every LibTorch CMake config defines these (Debian's does); the headers compile the backends
// only with them.
#if NMT_HAVE_C10D_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#if NMT_HAVE_C10D_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace nmt {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int64_t parse_int(const std::string& text, const std::string& source) {
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError(source + ": expected an integer, got '" + text + "'");
}

#if NMT_HAVE_C10D_GLOO  // helpers of the c10d implementation below
std::string seconds_text(double seconds) {
  std::ostringstream out;
  out.precision(seconds < 10 ? 2 : 3);
  out << seconds << " s";
  return out.str();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// c10d's messages carry a source location prefix ("[../gloo/transport/tcp/pair.cc:598] ") and,
// for c10::Error, a backtrace after the first line: keep the sentence a user can act on.
std::string clean_cause(std::string message) {
  message = message.substr(0, message.find('\n'));
  if (!message.empty() && message[0] == '[') {
    const auto close = message.find("] ");
    if (close != std::string::npos && message.find(':') < close)
      message = message.substr(close + 2);
  }
  return message;
}

std::string cause_of(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e))
    return clean_cause(c10_error->what_without_backtrace());
  return clean_cause(e.what());
}

bool looks_like_timeout(const std::string& cause) {
  return cause.find("imed out") != std::string::npos || cause.find("imeout") != std::string::npos;
}

std::string rank_list(const std::vector<int64_t>& ranks) {
  std::string out = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) out += (i ? ", " : "") + std::to_string(ranks[i]);
  return out;
}

std::string host_name() {
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) != 0) return "?";
  return name;
}

// The local address this machine uses to reach `host`: connecting a UDP socket picks the route
// (and so the interface) without sending anything. Gloo listens there, so peers on other machines
// can reach it; for a master on loopback it is 127.0.0.1. Empty when `host` does not resolve.
std::string local_address_towards(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return "";
  std::string address;
  for (addrinfo* a = found; a != nullptr && address.empty(); a = a->ai_next) {
    const int fd = socket(a->ai_family, SOCK_DGRAM, 0);
    if (fd < 0) continue;
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
      char text[INET6_ADDRSTRLEN] = {0};
      const void* raw =
          local.ss_family == AF_INET6
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
      if (inet_ntop(local.ss_family, raw, text, sizeof(text)) != nullptr) address = text;
    }
    close(fd);
  }
  freeaddrinfo(found);
  return address;
}
#endif

}  // namespace

DistributedOptions distributed_options_from_env(DistributedOptions options) {
  if (auto v = env("WORLD_SIZE")) options.world_size = parse_int(*v, "WORLD_SIZE");
  if (auto v = env("RANK")) options.rank = parse_int(*v, "RANK");
  if (auto v = env("LOCAL_RANK")) options.local_rank = parse_int(*v, "LOCAL_RANK");
  if (auto v = env("MASTER_ADDR")) options.master_addr = *v;
  if (auto v = env("MASTER_PORT"))
    options.master_port = static_cast<int>(parse_int(*v, "MASTER_PORT"));
  if (auto v = env("GLOO_SOCKET_IFNAME")) options.interface = *v;
  return options;
}

void parse_master_address(const std::string& text, DistributedOptions& options,
                          const std::string& source) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {  // [v6::addr]:port
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw ConfigError(source + ": expected [ADDRESS]:PORT, got '" + text + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw ConfigError(source + ": expected HOST:PORT, got '" + text + "'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const int64_t number = parse_int(port, source + " port");
  if (host.empty() || number < 1 || number > 65535)
    throw ConfigError(source + ": expected HOST:PORT with a port in 1..65535, got '" + text + "'");
  options.master_addr = host;
  options.master_port = static_cast<int>(number);
}

void validate(const DistributedOptions& o) {
  if (o.world_size < 1)
    throw ConfigError("world size must be >= 1, got " + std::to_string(o.world_size));
  if (o.rank < 0 || o.rank >= o.world_size)
    throw ConfigError("rank " + std::to_string(o.rank) + " is outside [0, " +
                      std::to_string(o.world_size) + ") for world size " +
                      std::to_string(o.world_size));
  if (o.local_rank < -1)
    throw ConfigError("local rank must be >= 0, got " + std::to_string(o.local_rank));
  if (o.world_size > 1 && o.master_addr.empty())
    throw ConfigError("no master address (--master or MASTER_ADDR)");
  if (o.master_port < 1 || o.master_port > 65535)
    throw ConfigError("master port must be in 1..65535, got " + std::to_string(o.master_port));
  if (o.timeout.count() <= 0) throw ConfigError("the distributed timeout must be > 0");
}

torch::Device rank_device(const std::string& device, int64_t local_rank) {
  const torch::Device given(device);
  if (!given.is_cuda() || given.has_index()) return given;
  return torch::Device(torch::kCUDA,
                       static_cast<c10::DeviceIndex>(std::max<int64_t>(local_rank, 0)));
}

std::vector<std::string> available_backends() {
  std::vector<std::string> backends;
  if (NMT_HAVE_C10D_GLOO) backends.push_back("gloo");
  if (NMT_HAVE_C10D_GLOO && NMT_HAVE_C10D_NCCL) backends.push_back("nccl");  // Gloo hosts the rest
  return backends;
}

#if NMT_HAVE_C10D_GLOO
// The process-group base class the backends derive from.
#if TORCH_VERSION_MAJOR >= 2
using ProcessGroupBase = c10d::Backend;
#else
using ProcessGroupBase = c10d::ProcessGroup;
#endif

struct DistributedContext::Impl {
  int64_t rank = 0;
  int64_t world_size = 1;
  milliseconds timeout{60000};
  std::string master;                          // "host:port", for messages
  c10::intrusive_ptr<c10d::Store> store;       // TCPStore (server on rank 0), keys under "nmt/"
  c10::intrusive_ptr<ProcessGroupBase> group;  // Gloo or NCCL
  std::string backend;
  int64_t barrier_count = 0;  // barriers so far (same on every rank)
  int64_t check_count = 0;
  bool broken = false;  // a collective failed: no more calls

  std::string prefix() const {
    return "distributed: rank " + std::to_string(rank) + " of " + std::to_string(world_size);
  }

  // Throws DistributedError for a failed operation, after asking the store which ranks failed
  // too: a rank that sent no report within a short grace period is the one that died or hangs.
  [[noreturn]] void fail(const std::string& what, const std::string& cause,
                         Clock::time_point start) {
    broken = true;
    const double elapsed = seconds_since(start);
    std::string message = prefix() + ": " + what +
                          (looks_like_timeout(cause) ? " timed out" : " failed") + " after " +
                          seconds_text(elapsed) + ": " + cause;
    const auto grace = std::min(timeout, milliseconds(2000));
    std::vector<int64_t> silent;
    std::vector<int64_t> failed_too;
    try {
      store->setTimeout(grace);
      store->set("failed/" + std::to_string(rank),
                 std::vector<uint8_t>(cause.begin(), cause.end()));
      const auto deadline = Clock::now() + grace;
      while (true) {
        silent.clear();
        failed_too.clear();
        for (int64_t r = 0; r < world_size; ++r) {
          if (r == rank) continue;
          (store->check({"failed/" + std::to_string(r)}) ? failed_too : silent).push_back(r);
        }
        if (silent.empty() || Clock::now() >= deadline) break;
        std::this_thread::sleep_for(milliseconds(50));
      }
      if (!silent.empty())
        message += ". " + rank_list(silent) + " sent no failure report within " +
                   seconds_text(std::chrono::duration<double>(grace).count()) +
                   ": it exited, was killed, hangs, or cannot be reached";
      if (!failed_too.empty()) message += "; " + rank_list(failed_too) + " failed too";
    } catch (const std::exception& e) {
      message += rank == 0
                     ? ". The rendezvous store failed too: " + cause_of(e)
                     : ". The rendezvous store on rank 0 (" + master +
                           ") cannot be reached: rank 0 has exited or its machine is unreachable";
    }
    throw DistributedError(message);
  }

  template <class Launch>
  void run(const std::string& what, Launch&& launch) {
    if (broken) throw DistributedError(prefix() + ": " + what + ": an earlier collective failed");
    const auto start = Clock::now();
    try {
      std::vector<c10::intrusive_ptr<c10d::Work>> works = launch();
      // The backend's own timeout (set on the group) normally fires first with a better message;
      // this bound only guards against a backend that never returns.
      for (auto& work : works) work->wait(timeout + milliseconds(5000));
    } catch (const DistributedError&) {
      throw;
    } catch (const std::exception& e) {
      fail(what, cause_of(e), start);
    }
  }

  // Everyone arrives (keys "barrier/N/rankR" = name) before anyone leaves ("barrier/N/done").
  void store_barrier(const std::string& name, const std::string& payload,
                     milliseconds wait_timeout) {
    const std::string key = "barrier/" + std::to_string(barrier_count++) + "/";
    const auto start = Clock::now();
    try {
      store->setTimeout(wait_timeout);
      const std::string mine = name + "\n" + payload;
      store->set(key + "rank" + std::to_string(rank),
                 std::vector<uint8_t>(mine.begin(), mine.end()));
      if (store->add(key + "count", 1) == world_size) store->set(key + "done", {'1'});
      store->wait({key + "done"}, wait_timeout);
      const auto first = store->get(key + "rank0");
      const std::string primary(first.begin(), first.end());
      const std::string primary_name = primary.substr(0, primary.find('\n'));
      if (primary_name != name)
        throw DistributedError(prefix() + " reached '" + name + "' while rank 0 reached '" +
                               primary_name + "' (the ranks run different code or options)");
    } catch (const DistributedError&) {
      throw;
    } catch (const std::exception& e) {
      std::vector<int64_t> missing;
      std::string arrived;
      try {
        store->setTimeout(milliseconds(2000));
        for (int64_t r = 0; r < world_size; ++r) {
          if (!store->check({key + "rank" + std::to_string(r)})) {
            missing.push_back(r);
          } else if (r != rank) {
            const auto value = store->get(key + "rank" + std::to_string(r));
            const std::string text(value.begin(), value.end());
            arrived += "\n  rank " + std::to_string(r) + ": " + text.substr(text.find('\n') + 1);
          }
        }
      } catch (const std::exception&) {
        throw DistributedError(prefix() + ": " + name + " failed after " +
                               seconds_text(seconds_since(start)) +
                               ": the rendezvous store on rank 0 (" + master +
                               ") cannot be reached (" + cause_of(e) + ")");
      }
      if (missing.empty()) fail(name, cause_of(e), start);
      throw DistributedError(prefix() + ": " + name + " timed out after " +
                             seconds_text(seconds_since(start)) + ": " + rank_list(missing) +
                             (missing.size() == 1 ? " has" : " have") +
                             " not arrived (not started, exited, stuck, or cannot reach " + master +
                             ")" + (arrived.empty() ? "" : "; arrived:" + arrived));
    }
  }
};

namespace {

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistributedOptions& o) {
  if (!o.interface.empty()) return c10d::ProcessGroupGloo::createDeviceForInterface(o.interface);
  const std::string address = local_address_towards(o.master_addr, o.master_port);
  if (!address.empty()) return c10d::ProcessGroupGloo::createDeviceForHostname(address);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

DistributedContext::DistributedContext(const DistributedOptions& options) {
  validate(options);
  rank_ = options.rank;
  world_size_ = options.world_size;
  local_rank_ = options.local_rank < 0 ? options.rank : options.local_rank;
  timeout_ = options.timeout;
  model_device_ = rank_device(options.device, local_rank_);
  if (world_size_ == 1) return;

  impl_ = std::make_unique<Impl>();
  Impl& m = *impl_;
  m.rank = rank_;
  m.world_size = world_size_;
  m.timeout = timeout_;
  m.master = options.master_addr + ":" + std::to_string(options.master_port);
  const auto start = Clock::now();
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(options.master_port);
    store_options.isServer = rank_ == 0;
    store_options.numWorkers = static_cast<size_t>(world_size_);
    store_options.waitWorkers = false;  // the join barrier below waits, and names who is missing
    store_options.timeout = timeout_;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store_options);
    m.store = c10::make_intrusive<c10d::PrefixStore>("nmt", tcp);
  } catch (const std::exception& e) {
    throw DistributedError(m.prefix() + ": " +
                           (rank_ == 0
                                ? "cannot serve the rendezvous store on port " +
                                      std::to_string(options.master_port) + " (is it in use?): "
                                : "cannot reach the rendezvous store on rank 0 at " + m.master +
                                      " within " + seconds_text(seconds_since(start)) + ": ") +
                           cause_of(e));
  }
  m.store_barrier("joining",
                  "host " + host_name() + ", pid " + std::to_string(getpid()) + ", world size " +
                      std::to_string(world_size_),
                  timeout_);

  const bool use_nccl = model_device_.is_cuda() && NMT_HAVE_C10D_NCCL;
  const auto group_store = c10::make_intrusive<c10d::PrefixStore>("group", m.store);
  try {
#if NMT_HAVE_C10D_NCCL
    if (use_nccl) {
      // Blocking waits make a dead peer surface as an exception in wait() within the timeout,
      // instead of a hang at the next host synchronisation.
      setenv("NCCL_BLOCKING_WAIT", "1", /*overwrite=*/0);
      setenv("TORCH_NCCL_BLOCKING_WAIT", "1", /*overwrite=*/0);
      c10::cuda::set_device(model_device_.index());
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = timeout_;
      m.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(
          group_store, static_cast<int>(rank_), static_cast<int>(world_size_), nccl_options);
      m.backend = "nccl";
      comm_device_ = model_device_;
    }
#endif
    if (!use_nccl) {
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout_);
      gloo_options->devices.push_back(gloo_device(options));
      gloo_options->threads = 2;  // buckets in flight together
      m.group = c10::make_intrusive<c10d::ProcessGroupGloo>(
          group_store, static_cast<int>(rank_), static_cast<int>(world_size_), gloo_options);
      m.backend = "gloo";
      comm_device_ = torch::kCPU;
    }
  } catch (const std::exception& e) {
    m.fail("connecting the " + std::string(use_nccl ? "NCCL" : "Gloo") + " process group",
           cause_of(e), start);
  }
  log::debug("distributed: rank ", rank_, " of ", world_size_, " joined via ", m.master, " (",
             m.backend, ")");
}

DistributedContext::~DistributedContext() {
  // After a failure, destroying the group would join worker threads that may still wait out the
  // timeout on queued work: the process is about to report the error and exit, so let it go.
  if (!impl_) return;
  if (impl_->broken) {
    impl_->group.release();
    impl_->store.release();
    return;
  }
  // Rank 0 serves the store: if it shut the server down while another rank still waited for its
  // reply to the last barrier, that rank would fail at the very end. So every rank reports that it
  // is leaving, and rank 0 waits (bounded) until all have.
  try {
    impl_->store->setTimeout(milliseconds(2000));
    impl_->store->add("left", 1);
    if (rank_ == 0) {
      const auto deadline = Clock::now() + std::min(timeout_, milliseconds(10000));
      while (impl_->store->add("left", 0) < world_size_ && Clock::now() < deadline)
        std::this_thread::sleep_for(milliseconds(5));
    }
  } catch (const std::exception&) {
    // A rank that cannot say goodbye has nothing left to lose: the job is over.
  }
}

std::string DistributedContext::backend() const { return impl_ ? impl_->backend : "none"; }

void DistributedContext::all_reduce_sum(std::vector<torch::Tensor>& tensors,
                                        const std::string& what) {
  if (!impl_) return;
  impl_->run("all-reduce of " + what, [&] {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};  // c10d's list is one tensor per local device
      works.push_back(impl_->group->allreduce(one, options));
    }
    return works;
  });
}

void DistributedContext::broadcast_from_primary(std::vector<torch::Tensor>& tensors,
                                                const std::string& what) {
  if (!impl_) return;
  impl_->run("broadcast of " + what, [&] {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    c10d::BroadcastOptions options;
    options.rootRank = 0;
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};
      works.push_back(impl_->group->broadcast(one, options));
    }
    return works;
  });
}

void DistributedContext::barrier(const std::string& what, std::optional<milliseconds> timeout) {
  if (!impl_) return;
  if (impl_->broken)
    throw DistributedError(impl_->prefix() + ": " + what + ": an earlier collective failed");
  impl_->store_barrier(what, "waiting", timeout.value_or(timeout_));
}

void DistributedContext::check_same(const std::string& what, const std::string& value) {
  if (!impl_) return;
  Impl& m = *impl_;
  const std::string key = "check/" + std::to_string(m.check_count++) + "/rank";
  std::vector<std::string> values(static_cast<size_t>(world_size_));
  try {
    m.store->setTimeout(timeout_);
    m.store->set(key + std::to_string(rank_), std::vector<uint8_t>(value.begin(), value.end()));
    m.store_barrier("comparing " + what, "", timeout_);
    for (int64_t r = 0; r < world_size_; ++r) {
      const auto bytes = m.store->get(key + std::to_string(r));
      values[static_cast<size_t>(r)].assign(bytes.begin(), bytes.end());
    }
  } catch (const DistributedError&) {
    throw;
  } catch (const std::exception& e) {
    m.fail("comparing " + what, cause_of(e), Clock::now());
  }
  std::string differences;
  for (int64_t r = 1; r < world_size_; ++r)
    if (values[static_cast<size_t>(r)] != values[0])
      differences += "\n  rank " + std::to_string(r) + ": " + values[static_cast<size_t>(r)];
  if (!differences.empty())
    throw DistributedError(m.prefix() + ": the ranks disagree on " + what +
                           "\n  rank 0: " + values[0] + differences);
}

#else  // no Gloo in this LibTorch: a single process works, a job does not.

struct DistributedContext::Impl {};

DistributedContext::DistributedContext(const DistributedOptions& options) {
  validate(options);
  if (options.world_size > 1)
    throw DistributedError(
        "distributed: this build of nmt has no c10d backend, so it cannot run " +
        std::to_string(options.world_size) +
        " processes (its LibTorch lacks Gloo, or gloo's headers -- Debian: libgloo-dev -- were "
        "missing when nmt was configured; install them and reconfigure)");
  model_device_ =
      rank_device(options.device, options.local_rank < 0 ? options.rank : options.local_rank);
  timeout_ = options.timeout;
}
DistributedContext::~DistributedContext() = default;
std::string DistributedContext::backend() const { return "none"; }
void DistributedContext::all_reduce_sum(std::vector<torch::Tensor>&, const std::string&) {}
void DistributedContext::broadcast_from_primary(std::vector<torch::Tensor>&, const std::string&) {}
void DistributedContext::barrier(const std::string&, std::optional<milliseconds>) {}
void DistributedContext::check_same(const std::string&, const std::string&) {}

#endif

DistributedContext::DistributedContext() = default;

int64_t DistributedContext::sum(int64_t value, const std::string& what) {
  if (world_size_ == 1) return value;
  std::vector<torch::Tensor> tensors{
      torch::full({1}, value, torch::dtype(torch::kInt64).device(comm_device_))};
  all_reduce_sum(tensors, what);
  return tensors[0].item<int64_t>();
}

std::vector<double> DistributedContext::sum(std::vector<double> values, const std::string& what) {
  if (world_size_ == 1 || values.empty()) return values;
  std::vector<torch::Tensor> tensors{
      torch::tensor(values, torch::dtype(torch::kFloat64)).to(comm_device_)};
  all_reduce_sum(tensors, what);
  const auto host = tensors[0].cpu();
  const double* data = host.data_ptr<double>();
  return std::vector<double>(data, data + values.size());
}

std::string DistributedContext::broadcast_bytes(const std::string& bytes, const std::string& what) {
  if (world_size_ == 1) return bytes;
  std::vector<torch::Tensor> size{torch::full({1}, static_cast<int64_t>(bytes.size()),
                                              torch::dtype(torch::kInt64).device(comm_device_))};
  broadcast_from_primary(size, what + " (size)");
  const int64_t n = size[0].item<int64_t>();
  if (n == 0) return "";
  auto host = torch::empty({n}, torch::kUInt8);
  if (is_primary()) std::memcpy(host.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  std::vector<torch::Tensor> data{host.to(comm_device_)};
  broadcast_from_primary(data, what);
  host = data[0].cpu();
  return std::string(reinterpret_cast<const char*>(host.data_ptr<uint8_t>()),
                     static_cast<size_t>(n));
}

bool DistributedContext::any(bool flag, const std::string& what) {
  if (world_size_ == 1) return flag;
  return sum(static_cast<int64_t>(flag ? 1 : 0), what) > 0;
}

}  // namespace nmt
