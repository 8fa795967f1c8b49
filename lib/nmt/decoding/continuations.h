// The best continuations at one search step, under the search's constraints (constrain_log_probs:
// pad and BOS never, EOS not before min_length, only EOS at a row's maximum length).
//
// Beam search needs, per live sentence, the best 2K (slot, token) continuations of its K slots;
// greedy search the best token of each row. On the CPU with float32 log-probabilities both run as
// one pass over each row of [rows, V] (AVX-512 where the CPU has it), in place of LibTorch's
// clone + mask + topk + add + topk + gather chain of a dozen small ops and allocations per step;
// elsewhere (CUDA) they run that LibTorch chain. Both give the same result: ties go to the lower
// index, as a stable sort would.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace nmt {

// What a beam step constrains: each row's maximum length (slot_max[row]), the target position t
// (tokens generated so far) and the minimum length.
struct StepLimits {
  int64_t t = 0;
  const std::vector<int64_t>* row_max = nullptr;  // [rows]
  int64_t min_length = 0;
};

// The best n_cand (slot, token) continuations of each of the b sentences, best first, on the CPU:
// val (summed raw log-probability: the slot's score plus the token's log-probability), idx
// (slot * V + token) and lp (the token's log-probability), each [b, n_cand] contiguous.
// n_cand = min(2K, K * V). Entries after the first non-finite val are padding.
struct BeamContinuations {
  int64_t n_cand = 0;
  int64_t V = 0;
  torch::Tensor val, idx, lp;
};

// log_probs [b * K, V] (row i * K + k is slot k of sentence i), scores [b, K] (-inf = empty slot).
BeamContinuations best_continuations(const torch::Tensor& log_probs, const torch::Tensor& scores,
                                     int64_t K, const StepLimits& limits);
// The same through LibTorch ops on any device (the reference the fused CPU pass is tested against).
BeamContinuations best_continuations_reference(const torch::Tensor& log_probs,
                                               const torch::Tensor& scores, int64_t K,
                                               const StepLimits& limits);

// The best allowed token of each row and its log-probability: tokens [rows] int64 and lp [rows]
// float32 on log_probs' device (-inf lp where a row allows nothing).
struct BestTokens {
  torch::Tensor tokens, lp;
};
BestTokens best_tokens(const torch::Tensor& log_probs, const StepLimits& limits);
BestTokens best_tokens_reference(const torch::Tensor& log_probs, const StepLimits& limits);

}  // namespace nmt
