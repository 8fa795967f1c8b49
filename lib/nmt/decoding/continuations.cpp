#include "nmt/decoding/continuations.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/search_options.h"
#include "nmt/model/avx512.h"

namespace nmt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
// The tokens a constraint names all lie in a row's first 16 entries, which the scalar prefix of
// the row pass reads; the vector loop after it only compares values.
static_assert(kPadId < 16 && kBosId < 16 && kEosId < 16, "special ids in the first 16 entries");

// The k best (value, index) pairs pushed so far, best first; an equal value ranks after the
// ones already kept (pushed in index order, ties go to the lower index).
class TopK {
 public:
  TopK(int64_t k, float* val, int64_t* idx) : k_(k), val_(val), idx_(idx) {}
  bool full() const { return n_ == k_; }
  float threshold() const { return val_[k_ - 1]; }  // only when full()
  void push(float v, int64_t i) {
    if (n_ == k_) {
      if (!(v > val_[k_ - 1])) return;
      --n_;
    }
    int64_t j = n_;
    for (; j > 0 && v > val_[j - 1]; --j) {
      val_[j] = val_[j - 1];
      idx_[j] = idx_[j - 1];
    }
    val_[j] = v;
    idx_[j] = i;
    ++n_;
  }
  // Fills what is left with -inf (index `pad`), as topk over a row of -inf would.
  void finish(int64_t pad) {
    for (; n_ < k_; ++n_) {
      val_[n_] = kNegInf;
      idx_[n_] = pad;
    }
  }

 private:
  int64_t k_, n_ = 0;
  float* val_;
  int64_t* idx_;
};

bool allowed(int64_t token, int64_t t, int64_t min_length) {
  return token != kPadId && token != kBosId && (token != kEosId || t >= min_length);
}

#ifdef NMT_AVX512
// Pushes the entries of p[c, V) that beat the kept threshold; top is full.
__attribute__((target("avx512f,avx512bw,avx512vl"))) void push_above_avx512(const float* p,
                                                                            int64_t c, int64_t V,
                                                                            TopK& top) {
  for (; c < V; c += 16) {
    const __mmask16 lanes = avx512::lanes(V - c);
    const __m512 x = _mm512_maskz_loadu_ps(lanes, p + c);
    __mmask16 above =
        _mm512_mask_cmp_ps_mask(lanes, x, _mm512_set1_ps(top.threshold()), _CMP_GT_OQ);
    while (above) {
      const int j = __builtin_ctz(above);
      top.push(p[c + j], c + j);
      above = static_cast<__mmask16>(above & (above - 1));
    }
  }
}
#endif

// The k best allowed entries of one row p [V] into val/idx (best first), under the constraints
// of target position t: at_max rows allow only EOS.
void row_top(const float* p, int64_t V, int64_t k, bool at_max, int64_t t, int64_t min_length,
             float* val, int64_t* idx) {
  TopK top(k, val, idx);
  if (at_max) {
    if (kEosId < V) top.push(p[kEosId], kEosId);
    top.finish(kPadId);
    return;
  }
  int64_t c = 0;
  for (; c < V && (c < 16 || !top.full()); ++c)
    if (allowed(c, t, min_length)) top.push(p[c], c);
#ifdef NMT_AVX512
  if (avx512::available()) {
    push_above_avx512(p, c, V, top);
    top.finish(kPadId);
    return;
  }
#endif
  for (; c < V; ++c) top.push(p[c], c);
  top.finish(kPadId);
}

bool fused_applies(const torch::Tensor& log_probs) {
  return log_probs.device().is_cpu() && log_probs.scalar_type() == torch::kFloat32 &&
         log_probs.dim() == 2 && log_probs.is_contiguous() && log_probs.size(1) > 0;
}

bool at_max_length(const StepLimits& limits, int64_t row) {
  return (*limits.row_max)[row] <= limits.t;
}

}  // namespace

BeamContinuations best_continuations_reference(const torch::Tensor& log_probs,
                                               const torch::Tensor& scores, int64_t K,
                                               const StepLimits& limits) {
  const int64_t rows = log_probs.size(0);
  const int64_t b = rows / K;
  const int64_t V = log_probs.size(1);
  const torch::Tensor masked =
      constrain_log_probs(log_probs, limits.t, *limits.row_max, limits.min_length);
  // The best n_cand of the K * V continuations of each sentence. A continuation among them is
  // among the best n_cand of its own row (adding the row's score does not reorder a row), so
  // a per-row top-k first keeps the [rows, V] work to one pass, then the sentence-level top-k
  // runs over K * n_cand candidates instead of K * V.
  const int64_t n_cand = std::min<int64_t>(2 * K, K * V);
  const int64_t per_row = std::min<int64_t>(n_cand, V);
  const auto [row_val, row_tok] = masked.topk(per_row, /*dim=*/1);  // [rows, per_row]
  const torch::Tensor cand = (row_val + scores.reshape({rows, 1})).reshape({b, K * per_row});
  const auto [top_val, top_pos] = cand.topk(n_cand, /*dim=*/1);  // [b, 2K] each, best first
  // Back to the flat index (slot * V + token) over the sentence's K * V continuations.
  const torch::Tensor top_tok = row_tok.reshape({b, K * per_row}).gather(1, top_pos);
  const torch::Tensor top_idx = top_pos.div(per_row, "floor") * V + top_tok;
  const torch::Tensor top_lp = log_probs.reshape({b, K * V}).gather(1, top_idx);  // [b, 2K]
  BeamContinuations c;
  c.n_cand = n_cand;
  c.V = V;
  c.val = top_val.to(torch::kCPU, torch::kFloat).contiguous();
  c.idx = top_idx.to(torch::kCPU, torch::kLong).contiguous();
  c.lp = top_lp.to(torch::kCPU, torch::kFloat).contiguous();
  return c;
}

BeamContinuations best_continuations(const torch::Tensor& log_probs, const torch::Tensor& scores,
                                     int64_t K, const StepLimits& limits) {
  if (!fused_applies(log_probs) || !scores.device().is_cpu())
    return best_continuations_reference(log_probs, scores, K, limits);
  const int64_t rows = log_probs.size(0);
  const int64_t b = rows / K;
  const int64_t V = log_probs.size(1);
  const int64_t n_cand = std::min<int64_t>(2 * K, K * V);
  const int64_t per_row = std::min<int64_t>(n_cand, V);
  const torch::Tensor slot_scores = scores.to(torch::kFloat).contiguous();
  BeamContinuations c;
  c.n_cand = n_cand;
  c.V = V;
  c.val = torch::empty({b, n_cand}, torch::kFloat);
  c.idx = torch::empty({b, n_cand}, torch::kLong);
  c.lp = torch::empty({b, n_cand}, torch::kFloat);
  const float* lp = log_probs.data_ptr<float>();
  const float* sc = slot_scores.data_ptr<float>();
  float* out_val = c.val.data_ptr<float>();
  int64_t* out_idx = c.idx.data_ptr<int64_t>();
  float* out_lp = c.lp.data_ptr<float>();
  at::parallel_for(0, b, std::max<int64_t>(1, 32768 / (K * V)), [&](int64_t begin, int64_t end) {
    std::vector<float> row_val(K * per_row);
    std::vector<int64_t> row_tok(K * per_row), pos(n_cand);
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t k = 0; k < K; ++k) {
        const int64_t row = i * K + k;
        float* v = row_val.data() + k * per_row;
        row_top(lp + row * V, V, per_row, at_max_length(limits, row), limits.t, limits.min_length,
                v, row_tok.data() + k * per_row);
        for (int64_t j = 0; j < per_row; ++j) v[j] += sc[row];  // the same float sum as the op
      }
      TopK best(n_cand, out_val + i * n_cand, pos.data());
      for (int64_t q = 0; q < K * per_row; ++q) best.push(row_val[q], q);
      best.finish(0);
      for (int64_t j = 0; j < n_cand; ++j) {
        const int64_t slot = pos[j] / per_row;
        const int64_t token = row_tok[pos[j]];
        out_idx[i * n_cand + j] = slot * V + token;
        out_lp[i * n_cand + j] = lp[(i * K + slot) * V + token];
      }
    }
  });
  return c;
}

BestTokens best_tokens_reference(const torch::Tensor& log_probs, const StepLimits& limits) {
  const torch::Tensor masked =
      constrain_log_probs(log_probs, limits.t, *limits.row_max, limits.min_length);
  BestTokens best;
  best.tokens = masked.argmax(/*dim=*/1).to(torch::kLong);  // [rows]
  best.lp = log_probs.gather(1, best.tokens.unsqueeze(1)).squeeze(1).to(torch::kFloat);
  return best;
}

BestTokens best_tokens(const torch::Tensor& log_probs, const StepLimits& limits) {
  if (!fused_applies(log_probs)) return best_tokens_reference(log_probs, limits);
  const int64_t rows = log_probs.size(0);
  const int64_t V = log_probs.size(1);
  BestTokens best;
  best.tokens = torch::empty({rows}, torch::kLong);
  best.lp = torch::empty({rows}, torch::kFloat);
  const float* lp = log_probs.data_ptr<float>();
  int64_t* tok = best.tokens.data_ptr<int64_t>();
  float* out_lp = best.lp.data_ptr<float>();
  at::parallel_for(0, rows, std::max<int64_t>(1, 32768 / V), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float v;
      int64_t i;
      row_top(lp + r * V, V, 1, at_max_length(limits, r), limits.t, limits.min_length, &v, &i);
      // argmax over a row of -inf is its first entry, forbidden or not.
      if (!(v > kNegInf)) i = 0;
      tok[r] = i;
      out_lp[r] = lp[r * V + i];
    }
  });
  return best;
}

}  // namespace nmt
