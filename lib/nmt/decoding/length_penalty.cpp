#include "nmt/decoding/length_penalty.h"

#include <algorithm>
#include <cmath>

#include "nmt/util/error.h"

namespace nmt {

LengthPenaltyType parse_length_penalty_type(const std::string& name) {
  if (name == "gnmt") return LengthPenaltyType::gnmt;
  if (name == "average") return LengthPenaltyType::average;
  if (name == "none") return LengthPenaltyType::none;
  throw ConfigError("decode.length_penalty_type: '" + name + "' is not one of gnmt, average, none");
}

std::string to_string(LengthPenaltyType type) {
  switch (type) {
    case LengthPenaltyType::gnmt:
      return "gnmt";
    case LengthPenaltyType::average:
      return "average";
    case LengthPenaltyType::none:
      return "none";
  }
  return "none";
}

double LengthPenalty::penalty(int64_t length) const {
  const double len = static_cast<double>(std::max<int64_t>(length, 1));
  switch (type) {
    case LengthPenaltyType::gnmt:
      return std::pow((5.0 + len) / 6.0, alpha);
    case LengthPenaltyType::average:
      return std::pow(len, alpha);
    case LengthPenaltyType::none:
      return 1.0;
  }
  return 1.0;
}

}  // namespace nmt
