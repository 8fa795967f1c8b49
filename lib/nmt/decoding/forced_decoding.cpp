#include "nmt/decoding/forced_decoding.h"

#include <algorithm>

#include "nmt/config/special_ids.h"

namespace nmt {

std::vector<ForcedScore> score_targets(Seq2SeqImpl& model, const torch::Tensor& src,
                                       const std::vector<std::vector<int64_t>>& targets) {
  TORCH_CHECK(static_cast<int64_t>(targets.size()) == src.size(0),
              "score_targets: ", targets.size(), " targets for ", src.size(0), " sources");
  torch::NoGradGuard no_grad;
  const int64_t batch = src.size(0);
  int64_t T = 0;
  for (const auto& t : targets) T = std::max<int64_t>(T, static_cast<int64_t>(t.size()));
  std::vector<ForcedScore> out(batch);
  if (T == 0) return out;

  // Teacher forcing: the decoder reads BOS y1 .. y(n-1) and must predict y1 .. yn.
  torch::Tensor tgt_in = torch::full({batch, T}, kPadId, torch::kLong);   // [B, T]
  torch::Tensor tgt_out = torch::full({batch, T}, kPadId, torch::kLong);  // [B, T]
  auto in = tgt_in.accessor<int64_t, 2>();
  auto gold = tgt_out.accessor<int64_t, 2>();
  for (int64_t i = 0; i < batch; ++i) {
    const auto& y = targets[i];
    for (size_t j = 0; j < y.size(); ++j) {
      in[i][j] = j == 0 ? kBosId : y[j - 1];
      gold[i][j] = y[j];
    }
  }
  tgt_in = tgt_in.to(src.device());
  const torch::Tensor logits = model.forward(src, tgt_in);                   // [B, T, V]
  const torch::Tensor log_probs = logits.to(torch::kFloat).log_softmax(-1);  // [B, T, V]
  const torch::Tensor picked = log_probs.gather(2, tgt_out.to(src.device()).unsqueeze(2))
                                   .squeeze(2)
                                   .cpu()
                                   .contiguous();  // [B, T]
  const auto lp = picked.accessor<float, 2>();
  for (int64_t i = 0; i < batch; ++i) {
    for (size_t j = 0; j < targets[i].size(); ++j) {
      out[i].token_log_probs.push_back(lp[i][j]);
      out[i].log_prob += lp[i][j];
    }
  }
  return out;
}

}  // namespace nmt
