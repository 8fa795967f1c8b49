#include "nmt/decoding/hypothesis.h"

#include "nmt/config/special_ids.h"

namespace nmt {

std::vector<int64_t> Hypothesis::output_tokens() const {
  std::vector<int64_t> out = tokens;
  if (!out.empty() && out.back() == kEosId) out.pop_back();
  return out;
}

}  // namespace nmt
