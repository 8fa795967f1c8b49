#include "nmt/decoding/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/continuations.h"
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

Hypothesis complete(Partial p, const LengthPenalty& penalty, int64_t source_length,
                    bool attention) {
  Hypothesis h;
  h.tokens = std::move(p.tokens);
  h.token_log_probs = std::move(p.token_log_probs);
  for (float lp : h.token_log_probs) h.log_prob += lp;  // same order as greedy: equal sums
  h.score = penalty.normalize(h.log_prob, static_cast<int64_t>(h.tokens.size()));
  if (attention) h.attention = stack_attention(p.attention, source_length);
  return h;
}

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Beam-search state, for the b sentences still searching (K = beam, rows = b * K, and row
// i * K + k is slot k of live sentence i):
//   alive      [b]          original sentence index of each live sentence (CPU)
//   row_max    [b]          each live sentence's forced-EOS position (CPU)
//   scores     [b, K]       summed raw log-probability of each slot's hypothesis; -inf marks an
//                           empty slot (at t = 0 only slot 0 is live, so the K copies of the
//                           empty prefix do not all pick the same token)
//   partial    [rows]       each slot's tokens, token log-probs and attention rows (CPU)
//   last       [rows]       the token each slot feeds to the next step (BOS at t = 0)
// The model's encoded/cache are row-aligned with `partial`; the encoder ran once per sentence and
// its output was copied to the K rows.
struct Beams {
  std::vector<int64_t> alive;
  std::vector<int64_t> row_max;
  torch::Tensor scores;
  std::vector<Partial> partial;
  torch::Tensor last;
};

// The beams at t = 0: every sentence live, slot 0 holding the empty prefix.
Beams start_beams(const torch::Tensor& src, int64_t K, const std::vector<int64_t>& max_len) {
  const int64_t batch = src.size(0);
  Beams beams;
  beams.alive.resize(batch);
  std::iota(beams.alive.begin(), beams.alive.end(), 0);
  beams.row_max = max_len;
  beams.scores = torch::full({batch, K}, kNegInf, torch::TensorOptions(src.device()));  // [b, K]
  beams.scores.select(/*dim=*/1, 0).fill_(0.0);
  beams.partial.resize(batch * K);
  beams.last = torch::full({batch * K}, kBosId, src.options().dtype(torch::kLong));
  return beams;
}

// The best n_cand (slot, token) continuations of each live sentence (continuations.h) and, when
// attention is kept, attn [rows, S] on the CPU.
struct Candidates : BeamContinuations {
  torch::Tensor attn;
};

Candidates top_candidates(const torch::Tensor& log_probs, const Beams& beams, int64_t K, int64_t t,
                          const SearchOptions& options, const DecoderCache& cache) {
  const int64_t rows = static_cast<int64_t>(beams.alive.size()) * K;
  std::vector<int64_t> slot_max(rows);
  for (int64_t r = 0; r < rows; ++r) slot_max[r] = beams.row_max[r / K];
  Candidates c;
  static_cast<BeamContinuations&>(c) =
      best_continuations(log_probs, beams.scores, K, StepLimits{t, &slot_max, options.min_length});
  if (options.keep_attention) c.attn = cache.attention.to(torch::kCPU, torch::kFloat);  // [rows, S]
  return c;
}

// The beams of the next step, before the model's rows follow them: per new row the old row it
// continues, its token, score and hypothesis; per sentence still searching its index and maximum.
struct NextBeams {
  std::vector<int64_t> rows, tokens, alive, row_max;
  std::vector<float> scores;
  std::vector<Partial> partial;
};

// Walks each live sentence's candidates best first: an EOS within the top K completes a
// hypothesis (into `finished`), the first K others continue. A sentence with K completed
// hypotheses, at its maximum length or with no allowed continuation leaves the batch.
NextBeams select_beams(const Candidates& cands, const Beams& beams, int64_t K, int64_t t,
                       const std::vector<int64_t>& src_len, const SearchOptions& options,
                       std::vector<NBestList>& finished) {
  const int64_t b = static_cast<int64_t>(beams.alive.size());
  const int64_t n_cand = cands.n_cand, V = cands.V;
  const torch::Tensor& attn_cpu = cands.attn;
  const float* val = cands.val.data_ptr<float>();
  const int64_t* idx = cands.idx.data_ptr<int64_t>();
  const float* lp = cands.lp.data_ptr<float>();
  NextBeams next;
  for (int64_t i = 0; i < b; ++i) {
    NBestList& done = finished[beams.alive[i]];
    std::vector<int64_t> slots;  // candidate positions j that continue
    for (int64_t j = 0; j < n_cand; ++j) {
      const int64_t c = i * n_cand + j;
      if (!std::isfinite(val[c])) break;  // sorted: everything after is forbidden too
      const int64_t row = i * K + idx[c] / V;
      const int64_t token = idx[c] % V;
      if (token == kEosId) {
        if (j < K && static_cast<int64_t>(done.size()) < K) {
          const torch::Tensor a = attn_cpu.defined() ? attn_cpu[row] : torch::Tensor();
          done.push_back(complete(extend(beams.partial[row], token, lp[c], a),
                                  options.length_penalty, src_len[beams.alive[i]],
                                  options.keep_attention));
        }
      } else if (static_cast<int64_t>(slots.size()) < K) {
        slots.push_back(j);
      }
      if (static_cast<int64_t>(slots.size()) == K && j + 1 >= K) break;
    }
    if (static_cast<int64_t>(done.size()) >= K || t >= beams.row_max[i] || slots.empty()) continue;

    // The sentence continues: its slots move to position next.alive.size() of the new batch.
    next.alive.push_back(beams.alive[i]);
    next.row_max.push_back(beams.row_max[i]);
    for (int64_t k = 0; k < K; ++k) {
      if (k < static_cast<int64_t>(slots.size())) {
        const int64_t c = i * n_cand + slots[k];
        const int64_t row = i * K + idx[c] / V;
        const int64_t token = idx[c] % V;
        const torch::Tensor a = attn_cpu.defined() ? attn_cpu[row] : torch::Tensor();
        next.rows.push_back(row);
        next.tokens.push_back(token);
        next.scores.push_back(val[c]);
        next.partial.push_back(extend(beams.partial[row], token, lp[c], a));
      } else {  // fewer than K allowed continuations: an empty slot that never wins
        next.rows.push_back(i * K);
        next.tokens.push_back(kEosId);
        next.scores.push_back(kNegInf);
        next.partial.emplace_back();
      }
    }
  }
  return next;
}

// Moves the model's rows, the fed tokens and the scores to the selected beams.
void advance_beams(Seq2SeqImpl& model, DecoderCache& cache, EncoderOutput& encoded, NextBeams& next,
                   int64_t K, const torch::Device& device, Beams& beams) {
  const int64_t b2 = static_cast<int64_t>(next.alive.size());
  model.reorder(cache, encoded, torch::tensor(next.rows, torch::kLong).to(device));  // rows b2*K
  beams.last = torch::tensor(next.tokens, torch::kLong).to(device);                  // [b2*K]
  beams.scores = torch::tensor(next.scores, torch::kFloat).reshape({b2, K}).to(device);  // [b2, K]
  beams.alive = std::move(next.alive);
  beams.row_max = std::move(next.row_max);
  beams.partial = std::move(next.partial);
}

// Each sentence's completed hypotheses, best first, at most nbest; a sentence the model forbade
// everything for (all log-probs -inf) reports one empty hypothesis of score -inf.
void rank_finished(std::vector<NBestList>& finished, int64_t nbest) {
  for (auto& hyps : finished) {
    std::stable_sort(hyps.begin(), hyps.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    if (static_cast<int64_t>(hyps.size()) > nbest) hyps.resize(nbest);
    if (hyps.empty()) {
      Hypothesis h;
      h.log_prob = h.score = -std::numeric_limits<double>::infinity();
      hyps.push_back(h);
    }
  }
}

}  // namespace

std::vector<NBestList> beam_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                   const SearchOptions& options) {
  options.validate();
  torch::NoGradGuard no_grad;
  const int64_t K = options.beam;
  const int64_t batch = src.size(0);
  const auto device = src.device();
  const std::vector<int64_t> src_len = source_lengths(src);
  const std::vector<int64_t> max_len = max_lengths(src, options, model.config().max_positions);

  // The encoder runs once per sentence; its output and the cache are copied to the K rows.
  EncoderOutput encoded = model.encode(src);
  DecoderCache cache = model.initial_cache(encoded);
  cache.keep_attention = options.keep_attention;
  model.reorder(cache, encoded,
                torch::arange(batch, src.options().dtype(torch::kLong)).repeat_interleave(K));
  Beams beams = start_beams(src, K, max_len);
  std::vector<NBestList> finished(batch);  // completed hypotheses per sentence (CPU), at most K

  for (int64_t t = 0; !beams.alive.empty(); ++t) {
    const torch::Tensor log_probs = model.step(beams.last, encoded, cache);  // [rows, V] float32
    const Candidates cands = top_candidates(log_probs, beams, K, t, options, cache);
    NextBeams next = select_beams(cands, beams, K, t, src_len, options, finished);
    if (next.alive.empty()) break;
    advance_beams(model, cache, encoded, next, K, device, beams);
  }

  rank_finished(finished, options.nbest);
  return finished;
}

}  // namespace nmt
