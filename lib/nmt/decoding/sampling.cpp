#include "nmt/decoding/sampling.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>
#include <string>

#include "nmt/decoding/greedy_search.h"
#include "nmt/util/error.h"

namespace nmt {

SamplingOptions SamplingOptions::from_config(const DecodeConfig& decode, uint64_t seed) {
  SamplingOptions o;
  o.temperature = decode.temperature;
  o.top_k = decode.top_k;
  o.top_p = decode.top_p;
  o.seed = seed;
  return o;
}

void SamplingOptions::validate() const {
  if (!(temperature > 0)) throw ConfigError("decode.temperature must be > 0");
  if (top_k < 0) throw ConfigError("decode.top_k must be >= 0 (0 = all tokens)");
  if (!(top_p > 0 && top_p <= 1)) throw ConfigError("decode.top_p must be in (0, 1]");
}

TokenSampler::TokenSampler(const SamplingOptions& options)
    : options_(options), generator_(at::detail::createCPUGenerator(options.seed)) {
  options_.validate();
}

torch::Tensor TokenSampler::filter(const torch::Tensor& masked_log_probs) const {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  torch::Tensor logits = masked_log_probs.to(torch::kFloat) / options_.temperature;  // [rows, V]
  const int64_t V = logits.size(1);
  if (options_.top_k > 0 && options_.top_k < V) {
    // The k-th largest value per row; ties with it are kept (at most a few extra tokens).
    const torch::Tensor kth = std::get<0>(logits.topk(options_.top_k, /*dim=*/1))
                                  .select(1, options_.top_k - 1)
                                  .unsqueeze(1);  // [rows, 1]
    logits = logits.masked_fill(logits < kth, kNegInf);
  }
  if (options_.top_p < 1.0) {
    const auto [sorted, order] = logits.sort(/*dim=*/1, /*descending=*/true);  // [rows, V] each
    const torch::Tensor mass = sorted.softmax(1).cumsum(1);                    // [rows, V]
    // Drop a token when the tokens before it already reach top_p; the best one always stays.
    torch::Tensor drop = (mass - sorted.softmax(1)) >= options_.top_p;  // [rows, V]
    drop.select(1, 0).fill_(false);
    logits = logits.scatter(1, order, sorted.masked_fill(drop, kNegInf));
  }
  return logits;
}

torch::Tensor TokenSampler::operator()(const torch::Tensor& masked_log_probs) {
  const torch::Tensor probs = filter(masked_log_probs).softmax(/*dim=*/1).cpu();  // [rows, V]
  const torch::Tensor drawn = torch::multinomial(probs, /*num_samples=*/1, /*replacement=*/false,
                                                 generator_);  // [rows, 1]
  return drawn.squeeze(1).to(masked_log_probs.device());
}

std::vector<NBestList> sample(Seq2SeqImpl& model, const torch::Tensor& src,
                              const SearchOptions& options, TokenSampler& sampler) {
  const int64_t n = options.nbest;
  const torch::Tensor repeated = n == 1 ? src : src.repeat_interleave(n, /*dim=*/0);  // [B*n, S]
  TokenChooser choose = [&sampler](const torch::Tensor& masked) { return sampler(masked); };
  std::vector<Hypothesis> drawn = greedy_search(model, repeated, options, choose);
  std::vector<NBestList> out(src.size(0));
  for (size_t r = 0; r < drawn.size(); ++r) out[r / n].push_back(std::move(drawn[r]));
  return out;
}

}  // namespace nmt
