// Op-level time of a stretch of training, from LibTorch's legacy autograd profiler: self time per
// op name (its time minus that of the ops it called), split into forward and backward (an op is
// backward when it runs inside an autograd engine node), and the share spent in matmuls.
//
//   OpProfile::start();  ... the code to measure ...;  OpProfile p = OpProfile::stop();
//   p.print(wall_seconds, updates, unprofiled_ms_per_update, /*top=*/14);
#pragma once

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace bench {

struct OpTime {
  double self_us = 0, backward_us = 0;
  int64_t calls = 0;
};

class OpProfile {
 public:
  static void start() {
    namespace prof = torch::autograd::profiler;
    prof::enableProfilerLegacy(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  }

  static OpProfile stop() {
    OpProfile profile;
    for (const auto& events : torch::autograd::profiler::disableProfilerLegacy())
      profile.add_thread(events);
    return profile;
  }

  static bool is_matmul(const std::string& name) {
    static const char* const kMatmuls[] = {
        "aten::mm",     "aten::bmm",   "aten::addmm",         "aten::baddbmm",
        "aten::addbmm", "aten::addmv", "aten::mkldnn_matmul", "aten::mv"};
    return std::find(std::begin(kMatmuls), std::end(kMatmuls), name) != std::end(kMatmuls);
  }

  double total_us() const {
    double sum = 0;
    for (const auto& [name, t] : ops_) sum += t.self_us;
    return sum;
  }

  // `wall_seconds`: the wall time of the profiled stretch (the profiler's own overhead included);
  // the time outside every op is what the C++ glue between ops costs.
  // `unprofiled_ms`: one update's time without the profiler, to show what recording each op
  // costs (cheap ops called in the hundreds of thousands, like the views of a per-matrix bmm
  // loop, are inflated the most).
  void print(double wall_seconds, int64_t updates, double unprofiled_ms, int top) const {
    const double total = total_us(), wall_us = wall_seconds * 1e6;
    double matmul = 0, backward = 0;
    for (const auto& [name, t] : ops_) {
      if (is_matmul(name)) matmul += t.self_us;
      backward += t.backward_us;
    }
    std::printf(
        "      ops (profiled: %.0f ms per update, %.0f without the profiler; self time): %.0f%% of "
        "the wall time inside ops, %.0f%% of that in matmuls; forward %.0f%%, backward %.0f%%\n",
        1e3 * wall_seconds / std::max<int64_t>(updates, 1), unprofiled_ms, 100 * total / wall_us,
        100 * matmul / total, 100 * (total - backward) / total, 100 * backward / total);
    std::vector<std::pair<std::string, OpTime>> sorted(ops_.begin(), ops_.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second.self_us > b.second.self_us; });
    for (int i = 0; i < top && i < static_cast<int>(sorted.size()); ++i) {
      const auto& [name, t] = sorted[i];
      std::printf("        %-34s %5.1f%%  %6lld calls  (backward %3.0f%%)\n", name.c_str(),
                  100 * t.self_us / total, static_cast<long long>(t.calls),
                  100 * t.backward_us / std::max(t.self_us, 1e-9));
    }
  }

 private:
  // Events of one thread: ranges nest, so a stack pairs each pop with its push.
  void add_thread(const std::vector<torch::autograd::profiler::LegacyEvent>& events) {
    using Kind = torch::autograd::profiler::EventKind;
    struct Open {
      const torch::autograd::profiler::LegacyEvent* push;
      double children_us;
      bool backward;
    };
    std::vector<Open> stack;
    for (const auto& e : events) {
      if (e.kind() == Kind::PushRange) {
        const std::string name = e.name();
        const bool backward = (!stack.empty() && stack.back().backward) ||
                              name.rfind("autograd::engine", 0) == 0 ||
                              name.find("Backward") != std::string::npos;
        stack.push_back({&e, 0.0, backward});
      } else if (e.kind() == Kind::PopRange && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double inclusive = open.push->cpuElapsedUs(e);
        const double self = std::max(0.0, inclusive - open.children_us);
        OpTime& t = ops_[open.push->name()];
        t.self_us += self;
        t.calls += 1;
        if (open.backward) t.backward_us += self;
        if (!stack.empty()) stack.back().children_us += inclusive;
      }
    }
  }

  std::map<std::string, OpTime> ops_;
};

}  // namespace bench
