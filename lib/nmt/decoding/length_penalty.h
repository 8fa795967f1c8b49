// Length normalisation of hypothesis scores. Summed log-probabilities favour short outputs (every
// token adds a negative term); dividing by a penalty that grows with the length counters it.
// Hypotheses are ranked by log_prob / penalty(length), where length counts the generated tokens
// including the final EOS.
#pragma once

#include <cstdint>
#include <string>

namespace nmt {

enum class LengthPenaltyType {
  gnmt,     // ((5 + len) / 6)^alpha (Wu et al. 2016, "Google's NMT system"; Marian, OpenNMT)
  average,  // len^alpha (alpha = 1: the average log-probability per token; fairseq's lenpen)
  none,     // 1: rank by the raw sum
};

// "gnmt" | "average" | "none" -> the enum; throws ConfigError naming the value otherwise.
LengthPenaltyType parse_length_penalty_type(const std::string& name);
std::string to_string(LengthPenaltyType type);

struct LengthPenalty {
  LengthPenaltyType type = LengthPenaltyType::gnmt;
  double alpha = 0.6;  // exponent; 0 makes every type equal to none

  // The divisor for a hypothesis of `length` tokens (>= 0; length 0 is treated as 1 token so
  // the average penalty never divides by zero).
  double penalty(int64_t length) const;
  // log_prob / penalty(length): the score hypotheses are ranked by.
  double normalize(double log_prob, int64_t length) const { return log_prob / penalty(length); }
};

}  // namespace nmt
