#include "nmt/decoding/hypothesis.h"

#include "nmt/config/special_ids.h"

namespace nmt {

std::vector<int64_t> Hypothesis::output_tokens() const {
  std::vector<int64_t> out = tokens;
  if (!out.empty() && out.back() == kEosId) out.pop_back();
  return out;
}

}  // namespace nmt

namespace nmt {

std::string hard_alignment(const Hypothesis& h) {
  if (!h.attention.defined() || h.attention.size(1) < 2) return "";
  const int64_t targets = static_cast<int64_t>(h.output_tokens().size());
  const int64_t sources = h.attention.size(1) - 1;
  const torch::Tensor best =
      h.attention.narrow(0, 0, targets).narrow(1, 0, sources).argmax(1);  // [T]
  std::string out;
  for (int64_t t = 0; t < targets; ++t)
    out += (t ? " " : "") + std::to_string(best[t].item<int64_t>()) + "-" + std::to_string(t);
  return out;
}

}  // namespace nmt
