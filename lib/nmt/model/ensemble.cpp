#include "nmt/model/ensemble.h"

#include <algorithm>

#include "nmt/util/error.h"

namespace nmt {
namespace {

// The first member's config, with the smallest max_positions of all (no member may run past its
// positional table).
ModelConfig ensemble_config(const std::vector<Seq2Seq>& members) {
  if (members.size() < 2)
    throw ConfigError("an ensemble needs at least two models, got " +
                      std::to_string(members.size()));
  ModelConfig config = members.front()->config();
  for (const auto& m : members)
    config.max_positions = std::min(config.max_positions, m->config().max_positions);
  return config;
}

// Sum of `parts` divided by their count, accumulated in float32 in member order.
torch::Tensor mean_of(std::vector<torch::Tensor>& parts) {
  torch::Tensor sum = parts.front().to(torch::kFloat);
  if (sum.data_ptr() == parts.front().data_ptr()) sum = sum.clone();
  for (size_t i = 1; i < parts.size(); ++i) sum.add_(parts[i].to(torch::kFloat));
  return sum.div_(static_cast<double>(parts.size()));
}

// The outer EncoderOutput mirrors the first member's (searches read its shape and mask).
void mirror_first(EncoderOutput& encoded) {
  encoded.memory = encoded.members.front().memory;
  encoded.src_pad_mask = encoded.members.front().src_pad_mask;
}

}  // namespace

EnsembleImpl::EnsembleImpl(std::vector<Seq2Seq> members)
    : Seq2SeqImpl(ensemble_config(members), members.front()->src_vocab_size(),
                  members.front()->tgt_vocab_size()),
      members_(std::move(members)) {
  for (size_t i = 0; i < members_.size(); ++i) {
    const Seq2Seq& m = members_[i];
    if (m->src_vocab_size() != src_vocab_ || m->tgt_vocab_size() != tgt_vocab_)
      throw ConfigError("ensemble member " + std::to_string(i + 1) + " has vocabularies of " +
                        std::to_string(m->src_vocab_size()) + "/" +
                        std::to_string(m->tgt_vocab_size()) + " pieces, member 1 of " +
                        std::to_string(src_vocab_) + "/" + std::to_string(tgt_vocab_) +
                        ": ensembled models must share their vocabularies");
    register_module("member" + std::to_string(i), m);
  }
}

torch::Tensor EnsembleImpl::forward(const torch::Tensor& src, const torch::Tensor& tgt_in) {
  std::vector<torch::Tensor> parts;
  for (auto& m : members_)
    parts.push_back(m->forward(src, tgt_in).to(torch::kFloat).log_softmax(-1));
  return mean_of(parts);
}

EncoderOutput EnsembleImpl::encode(const torch::Tensor& src) {
  EncoderOutput out;
  for (auto& m : members_) out.members.push_back(m->encode(src));
  mirror_first(out);
  return out;
}

DecoderCache EnsembleImpl::initial_cache(const EncoderOutput& encoded) {
  DecoderCache cache;
  for (size_t i = 0; i < members_.size(); ++i)
    cache.members.push_back(members_[i]->initial_cache(encoded.members[i]));
  return cache;
}

torch::Tensor EnsembleImpl::step(const torch::Tensor& last_tokens, const EncoderOutput& encoded,
                                 DecoderCache& cache) {
  std::vector<torch::Tensor> log_probs, attention, layers;
  for (size_t i = 0; i < members_.size(); ++i) {
    DecoderCache& own = cache.members[i];
    own.keep_attention = cache.keep_attention;
    log_probs.push_back(members_[i]->step(last_tokens, encoded.members[i], own));
    if (cache.keep_attention) attention.push_back(own.attention);
  }
  cache.steps += 1;
  // Alignments: the members' last-layer cross-attention, averaged (their layer counts may differ,
  // so the per-layer maps are the first member's).
  if (cache.keep_attention) {
    cache.attention = mean_of(attention);
    cache.attention_layers = cache.members.front().attention_layers;
  }
  return mean_of(log_probs);
}

void EnsembleImpl::reorder(DecoderCache& cache, EncoderOutput& encoded,
                           const torch::Tensor& indices) {
  for (size_t i = 0; i < members_.size(); ++i)
    members_[i]->reorder(cache.members[i], encoded.members[i], indices);
  mirror_first(encoded);
}

AttentionMaps EnsembleImpl::attention_maps(const torch::Tensor& src, const torch::Tensor& tgt_in) {
  return members_.front()->attention_maps(src, tgt_in);
}

Seq2Seq make_ensemble(std::vector<Seq2Seq> members) {
  return std::make_shared<EnsembleImpl>(std::move(members));
}

}  // namespace nmt
