#include "nmt/decoding/pair_scorer.h"

#include <algorithm>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/decode_batches.h"
#include "nmt/decoding/search.h"
#include "nmt/util/error.h"
#include "nmt/util/error_location.h"
#include "nmt/util/log.h"

namespace nmt {

PairScorer::PairScorer(Seq2Seq model, int64_t batch_tokens, torch::Device device)
    : model_(std::move(model)), batch_tokens_(batch_tokens), device_(device) {
  if (batch_tokens_ < 1) throw ConfigError("--batch-tokens must be >= 1");
  model_->eval();
}

std::vector<ForcedScore> PairScorer::score(const std::vector<std::vector<int64_t>>& sources,
                                           const std::vector<std::vector<int64_t>>& targets,
                                           const std::string& origin, int64_t first_line) {
  TORCH_CHECK(sources.size() == targets.size(), "PairScorer: ", sources.size(), " sources, ",
              targets.size(), " targets");
  // Both sides get an EOS; the table holds max_positions positions.
  const size_t limit =
      static_cast<size_t>(std::max<int64_t>(model_->config().max_positions - 1, 1));
  std::vector<std::vector<int64_t>> src(sources), tgt(targets);
  std::vector<int64_t> lengths(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    for (auto* side : {&src[i], &tgt[i]}) {
      if (side->size() > limit) {
        log::warn(file_line(origin, first_line + static_cast<int64_t>(i)), ": ", side->size(), " ",
                  side == &src[i] ? "source" : "target",
                  " tokens exceed the model's max_positions ", model_->config().max_positions,
                  "; truncated to ", limit);
        side->resize(limit);
      }
    }
    tgt[i].push_back(kEosId);
    lengths[i] = static_cast<int64_t>(std::max(src[i].size() + 1, tgt[i].size()));
  }

  std::vector<ForcedScore> out(src.size());
  for (const auto& batch : make_decode_batches(lengths, batch_tokens_)) {
    std::vector<const std::vector<int64_t>*> rows;
    std::vector<std::vector<int64_t>> batch_targets;
    for (size_t i : batch) {
      rows.push_back(&src[i]);
      batch_targets.push_back(tgt[i]);
    }
    auto scores = score_targets(*model_, make_source_batch(rows, device_), batch_targets);
    for (size_t r = 0; r < batch.size(); ++r) out[batch[r]] = std::move(scores[r]);
  }
  return out;
}

}  // namespace nmt
