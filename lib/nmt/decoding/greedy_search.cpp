#include "nmt/decoding/greedy_search.h"

#include <numeric>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/continuations.h"

namespace nmt {

torch::Tensor choose_argmax(const torch::Tensor& masked_log_probs) {
  return masked_log_probs.argmax(/*dim=*/1);  // [rows]
}

torch::Tensor stack_attention(const std::vector<torch::Tensor>& rows, int64_t source_length) {
  if (rows.empty()) return torch::zeros({0, source_length});
  return torch::stack(rows).narrow(/*dim=*/1, 0, source_length).contiguous();  // [T, src_len]
}

namespace {

// The loop of both greedy_search()s; choose null = the argmax, fused with the constraints
// (best_tokens in continuations.h).
std::vector<Hypothesis> greedy_loop(Seq2SeqImpl& model, const torch::Tensor& src,
                                    const SearchOptions& options, const TokenChooser* choose) {
  torch::NoGradGuard no_grad;
  const int64_t batch = src.size(0);
  const std::vector<int64_t> src_len = source_lengths(src);
  const std::vector<int64_t> max_len = max_lengths(src, options, model.config().max_positions);

  // Greedy state, for the rows (sentences) still being decoded:
  //   alive       [rows]     original sentence index of each row (CPU)
  //   row_max     [rows]     each row's forced-EOS position (CPU)
  //   last        [rows]     the token each row feeds to the next step (BOS at t = 0)
  //   encoded, cache         the model's state, row-aligned with `alive`
  //   out         [batch]    the growing hypotheses, indexed by original sentence
  //   attention   [batch]    per sentence, one [S] cross-attention row per step (keep_attention)
  EncoderOutput encoded = model.encode(src);
  DecoderCache cache = model.initial_cache(encoded);
  cache.keep_attention = options.keep_attention;
  std::vector<int64_t> alive(batch);
  std::iota(alive.begin(), alive.end(), 0);
  std::vector<int64_t> row_max = max_len;
  torch::Tensor last = torch::full({batch}, kBosId, src.options().dtype(torch::kLong));
  std::vector<Hypothesis> out(batch);
  std::vector<std::vector<torch::Tensor>> attention(batch);

  for (int64_t t = 0; !alive.empty(); ++t) {
    const torch::Tensor log_probs = model.step(last, encoded, cache);  // [rows, V] float32
    torch::Tensor next, next_lp;                                       // [rows] each
    if (choose) {
      const torch::Tensor masked = constrain_log_probs(log_probs, t, row_max, options.min_length);
      next = (*choose)(masked).to(torch::kLong);
      next_lp = log_probs.gather(1, next.unsqueeze(1)).squeeze(1);
    } else {
      BestTokens best = best_tokens(log_probs, StepLimits{t, &row_max, options.min_length});
      next = std::move(best.tokens);
      next_lp = std::move(best.lp);
    }
    const torch::Tensor next_cpu = next.cpu();
    const torch::Tensor lp_cpu = next_lp.to(torch::kCPU, torch::kFloat);
    torch::Tensor attn_cpu;
    if (options.keep_attention)
      attn_cpu = cache.attention.to(torch::kCPU, torch::kFloat);  // [rows, S]
    const int64_t* tok = next_cpu.data_ptr<int64_t>();
    const float* lp = lp_cpu.data_ptr<float>();

    std::vector<int64_t> keep;  // rows still decoding after this step
    for (size_t r = 0; r < alive.size(); ++r) {
      Hypothesis& h = out[alive[r]];
      h.tokens.push_back(tok[r]);
      h.token_log_probs.push_back(lp[r]);
      h.log_prob += lp[r];
      if (options.keep_attention) attention[alive[r]].push_back(attn_cpu[r]);
      if (tok[r] != kEosId) keep.push_back(static_cast<int64_t>(r));
    }
    if (keep.size() == alive.size()) {
      last = next;
      continue;
    }
    if (keep.empty()) break;
    std::vector<int64_t> kept_alive, kept_max;
    for (int64_t r : keep) {
      kept_alive.push_back(alive[r]);
      kept_max.push_back(row_max[r]);
    }
    alive = std::move(kept_alive);
    row_max = std::move(kept_max);
    const torch::Tensor rows = torch::tensor(keep, torch::kLong).to(src.device());  // [rows']
    model.reorder(cache, encoded, rows);
    last = next.index_select(0, rows);
  }

  for (int64_t i = 0; i < batch; ++i) {
    Hypothesis& h = out[i];
    h.score = options.length_penalty.normalize(h.log_prob, static_cast<int64_t>(h.tokens.size()));
    if (options.keep_attention) h.attention = stack_attention(attention[i], src_len[i]);
  }
  return out;
}

}  // namespace

std::vector<Hypothesis> greedy_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                      const SearchOptions& options) {
  return greedy_loop(model, src, options, nullptr);
}

std::vector<Hypothesis> greedy_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                      const SearchOptions& options, const TokenChooser& choose) {
  return greedy_loop(model, src, options, &choose);
}

}  // namespace nmt
