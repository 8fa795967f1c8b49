#include "nmt/decoding/search.h"

#include <algorithm>

#include "nmt/config/special_ids.h"
#include "nmt/decoding/beam_search.h"
#include "nmt/decoding/greedy_search.h"

namespace nmt {

std::vector<NBestList> run_search(Seq2SeqImpl& model, const torch::Tensor& src,
                                  const SearchOptions& options, TokenSampler* sampler) {
  if (sampler) return sample(model, src, options, *sampler);
  if (options.beam > 1) return beam_search(model, src, options);
  std::vector<NBestList> out;
  for (auto& h : greedy_search(model, src, options)) out.push_back({std::move(h)});
  return out;
}

torch::Tensor make_source_batch(const std::vector<const std::vector<int64_t>*>& sources,
                                const torch::Device& device) {
  size_t S = 1;
  for (const auto* s : sources) S = std::max(S, s->size() + 1);
  torch::Tensor src = torch::full({static_cast<int64_t>(sources.size()), static_cast<int64_t>(S)},
                                  kPadId, torch::kLong);  // [B, S]
  auto a = src.accessor<int64_t, 2>();
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto& ids = *sources[i];
    for (size_t j = 0; j < ids.size(); ++j) a[i][j] = ids[j];
    a[i][ids.size()] = kEosId;
  }
  return src.to(device);
}

}  // namespace nmt
