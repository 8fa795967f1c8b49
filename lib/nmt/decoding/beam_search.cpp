#include "nmt/decoding/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/greedy_search.h"

namespace nmt {
namespace {

// A live hypothesis: a CPU copy of what it has generated so far.
struct Partial {
  std::vector<int64_t> tokens;
  std::vector<float> token_log_probs;
  std::vector<torch::Tensor> attention;  // one [S] row per token (keep_attention)
};

Partial extend(const Partial& p, int64_t token, float log_prob, const torch::Tensor& attention) {
  Partial q = p;
  q.tokens.push_back(token);
  q.token_log_probs.push_back(log_prob);
  if (attention.defined()) q.attention.push_back(attention);
  return q;
}

Hypothesis complete(Partial p, const LengthPenalty& penalty, int64_t source_length, bool attention) {
  Hypothesis h;
  h.tokens = std::move(p.tokens);
  h.token_log_probs = std::move(p.token_log_probs);
  for (float lp : h.token_log_probs) h.log_prob += lp;  // same order as greedy: equal sums
  h.score = penalty.normalize(h.log_prob, static_cast<int64_t>(h.tokens.size()));
  if (attention) h.attention = stack_attention(p.attention, source_length);
  return h;
}

}  // namespace

std::vector<NBestList> beam_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                   const SearchOptions& options) {
  options.validate();
  torch::NoGradGuard no_grad;
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const int64_t K = options.beam;
  const int64_t batch = src.size(0);
  const auto device = src.device();
  const std::vector<int64_t> src_len = source_lengths(src);
  const std::vector<int64_t> max_len = max_lengths(src, options, model.config().max_positions);

  // Beam-search state, for the b sentences still searching (K = beam, rows = b * K, and row
  // i * K + k is slot k of live sentence i):
  //   alive      [b]          original sentence index of each live sentence (CPU)
  //   row_max    [b]          each live sentence's forced-EOS position (CPU)
  //   scores     [b, K]       summed raw log-probability of each slot's hypothesis; -inf marks an
  //                           empty slot (at t = 0 only slot 0 is live, so the K copies of the
  //                           empty prefix do not all pick the same token)
  //   partial    [rows]       each slot's tokens, token log-probs and attention rows (CPU)
  //   last       [rows]       the token each slot feeds to the next step (BOS at t = 0)
  //   encoded, cache          the model's state, row-aligned with `partial`; the encoder ran
  //                           once per sentence and its output was copied to the K rows
  //   finished   [batch]      completed hypotheses per original sentence (CPU), at most K
  EncoderOutput encoded = model.encode(src);
  DecoderCache cache = model.initial_cache(encoded);
  cache.keep_attention = options.keep_attention;
  model.reorder(cache, encoded,
                torch::arange(batch, src.options().dtype(torch::kLong)).repeat_interleave(K));
  std::vector<int64_t> alive(batch);
  std::iota(alive.begin(), alive.end(), 0);
  std::vector<int64_t> row_max = max_len;
  torch::Tensor scores = torch::full({batch, K}, kNegInf, torch::TensorOptions(device));  // [b, K]
  scores.select(/*dim=*/1, 0).fill_(0.0);
  std::vector<Partial> partial(batch * K);
  torch::Tensor last = torch::full({batch * K}, kBosId, src.options().dtype(torch::kLong));
  std::vector<NBestList> finished(batch);

  for (int64_t t = 0; !alive.empty(); ++t) {
    const int64_t b = static_cast<int64_t>(alive.size());
    const int64_t rows = b * K;
    const torch::Tensor log_probs = model.step(last, encoded, cache);  // [rows, V] float32
    const int64_t V = log_probs.size(1);
    std::vector<int64_t> slot_max(rows);
    for (int64_t r = 0; r < rows; ++r) slot_max[r] = row_max[r / K];
    const torch::Tensor masked = constrain_log_probs(log_probs, t, slot_max, options.min_length);
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
    const torch::Tensor val_cpu = top_val.to(torch::kCPU, torch::kFloat).contiguous();
    const torch::Tensor idx_cpu = top_idx.to(torch::kCPU, torch::kLong).contiguous();
    const torch::Tensor lp_cpu = top_lp.to(torch::kCPU, torch::kFloat).contiguous();
    torch::Tensor attn_cpu;  // [rows, S]
    if (options.keep_attention) attn_cpu = cache.attention.to(torch::kCPU, torch::kFloat);
    const float* val = val_cpu.data_ptr<float>();
    const int64_t* idx = idx_cpu.data_ptr<int64_t>();
    const float* lp = lp_cpu.data_ptr<float>();

    std::vector<int64_t> next_rows, next_tokens, next_alive, next_max;
    std::vector<float> next_scores;
    std::vector<Partial> next_partial;
    for (int64_t i = 0; i < b; ++i) {
      NBestList& done = finished[alive[i]];
      std::vector<int64_t> slots;  // candidate positions j that continue
      for (int64_t j = 0; j < n_cand; ++j) {
        const int64_t c = i * n_cand + j;
        if (!std::isfinite(val[c])) break;  // sorted: everything after is forbidden too
        const int64_t row = i * K + idx[c] / V;
        const int64_t token = idx[c] % V;
        if (token == kEosId) {
          if (j < K && static_cast<int64_t>(done.size()) < K) {
            const torch::Tensor a = attn_cpu.defined() ? attn_cpu[row] : torch::Tensor();
            done.push_back(complete(extend(partial[row], token, lp[c], a), options.length_penalty,
                                    src_len[alive[i]], options.keep_attention));
          }
        } else if (static_cast<int64_t>(slots.size()) < K) {
          slots.push_back(j);
        }
        if (static_cast<int64_t>(slots.size()) == K && j + 1 >= K) break;
      }
      if (static_cast<int64_t>(done.size()) >= K || t >= row_max[i] || slots.empty()) continue;

      // The sentence continues: its slots move to position next_alive.size() of the new batch.
      next_alive.push_back(alive[i]);
      next_max.push_back(row_max[i]);
      for (int64_t k = 0; k < K; ++k) {
        if (k < static_cast<int64_t>(slots.size())) {
          const int64_t c = i * n_cand + slots[k];
          const int64_t row = i * K + idx[c] / V;
          const int64_t token = idx[c] % V;
          const torch::Tensor a = attn_cpu.defined() ? attn_cpu[row] : torch::Tensor();
          next_rows.push_back(row);
          next_tokens.push_back(token);
          next_scores.push_back(val[c]);
          next_partial.push_back(extend(partial[row], token, lp[c], a));
        } else {  // fewer than K allowed continuations: an empty slot that never wins
          next_rows.push_back(i * K);
          next_tokens.push_back(kEosId);
          next_scores.push_back(kNegInf);
          next_partial.emplace_back();
        }
      }
    }
    if (next_alive.empty()) break;

    const int64_t b2 = static_cast<int64_t>(next_alive.size());
    model.reorder(cache, encoded, torch::tensor(next_rows, torch::kLong).to(device));  // rows b2*K
    last = torch::tensor(next_tokens, torch::kLong).to(device);                     // [b2*K]
    scores = torch::tensor(next_scores, torch::kFloat).reshape({b2, K}).to(device);  // [b2, K]
    alive = std::move(next_alive);
    row_max = std::move(next_max);
    partial = std::move(next_partial);
  }

  for (auto& hyps : finished) {
    std::stable_sort(hyps.begin(), hyps.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    if (static_cast<int64_t>(hyps.size()) > options.nbest) hyps.resize(options.nbest);
    if (hyps.empty()) {  // the model forbade everything (all log-probs -inf): report that
      Hypothesis h;
      h.log_prob = h.score = -std::numeric_limits<double>::infinity();
      hyps.push_back(h);
    }
  }
  return finished;
}

}  // namespace nmt
