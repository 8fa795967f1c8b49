#include "nmt/decoding/search_options.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "nmt/config/special_ids.h"
#include "nmt/util/error.h"

namespace nmt {

SearchOptions SearchOptions::from_config(const DecodeConfig& decode) {
  SearchOptions o;
  o.beam = decode.beam;
  o.nbest = decode.nbest;
  o.length_penalty.type = parse_length_penalty_type(decode.length_penalty_type);
  o.length_penalty.alpha = decode.length_penalty;
  o.max_length_a = decode.max_length_a;
  o.max_length_b = decode.max_length_b;
  o.min_length = decode.min_length;
  return o;
}

void SearchOptions::validate() const {
  if (beam < 1) throw ConfigError("decode.beam must be >= 1 (got " + std::to_string(beam) + ")");
  if (nbest < 1 || nbest > beam)
    throw ConfigError("decode.nbest must be between 1 and the beam size " + std::to_string(beam) +
                      " (got " + std::to_string(nbest) + ")");
  if (!(max_length_a >= 0) || max_length_b < 0)
    throw ConfigError("decode.max_length_a and decode.max_length_b must be >= 0");
  if (min_length < 0) throw ConfigError("decode.min_length must be >= 0");
  if (!(length_penalty.alpha >= 0)) throw ConfigError("decode.length_penalty must be >= 0");
}

int64_t SearchOptions::max_length(int64_t source_length, int64_t max_positions) const {
  const double limit = std::floor(max_length_a * static_cast<double>(source_length)) +
                       static_cast<double>(max_length_b);
  // The decoder reads positions 0..max_positions-1, so it can emit at most max_positions tokens,
  // the last of which is the forced EOS.
  const int64_t table = std::max<int64_t>(max_positions - 1, 0);
  return std::max<int64_t>(0,
                           std::min<int64_t>(static_cast<int64_t>(std::min(limit, 1e15)), table));
}

std::vector<int64_t> source_lengths(const torch::Tensor& src) {
  const torch::Tensor lengths = src.ne(kPadId).sum(/*dim=*/1).to(torch::kCPU, torch::kLong);  // [B]
  return std::vector<int64_t>(lengths.data_ptr<int64_t>(),
                              lengths.data_ptr<int64_t>() + lengths.numel());
}

std::vector<int64_t> max_lengths(const torch::Tensor& src, const SearchOptions& options,
                                 int64_t max_positions) {
  std::vector<int64_t> out = source_lengths(src);
  for (auto& n : out) n = options.max_length(n, max_positions);
  return out;
}

torch::Tensor constrain_log_probs(const torch::Tensor& log_probs, int64_t t,
                                  const std::vector<int64_t>& row_max_length, int64_t min_length) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  torch::Tensor masked = log_probs.clone();  // [rows, V]
  masked.select(/*dim=*/1, kPadId).fill_(kNegInf);
  masked.select(/*dim=*/1, kBosId).fill_(kNegInf);
  if (t < min_length) masked.select(/*dim=*/1, kEosId).fill_(kNegInf);

  std::vector<int64_t> at_max;
  for (size_t r = 0; r < row_max_length.size(); ++r)
    if (row_max_length[r] <= t) at_max.push_back(static_cast<int64_t>(r));
  if (!at_max.empty()) {
    // The length limit wins over min_length: these rows may only end, with the model's own
    // EOS log-probability.
    const torch::Tensor rows = torch::tensor(at_max, torch::kLong).to(log_probs.device());
    torch::Tensor forced = torch::full({rows.size(0), log_probs.size(1)}, kNegInf,
                                       log_probs.options());  // [rows_at_max, V]
    forced.select(1, kEosId).copy_(log_probs.index_select(0, rows).select(1, kEosId));
    masked.index_copy_(0, rows, forced);
  }
  return masked;
}

}  // namespace nmt
