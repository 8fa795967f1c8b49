#include "nmt/model/seq2seq.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "nmt/util/error.h"

namespace nmt {

namespace {

// "9.6M", "812.3K", "950".
std::string human_count(int64_t n) {
  char buf[32];
  if (n >= 1000000)
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 1000)
    std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

// An embedding table [vocab, D] with padding_idx = kPadId, initialised N(0, D^-1/2), pad row 0.
torch::nn::Embedding make_embedding(int64_t vocab, int64_t d_model) {
  torch::nn::Embedding embedding(torch::nn::EmbeddingOptions(vocab, d_model).padding_idx(kPadId));
  torch::NoGradGuard no_grad;
  embedding->weight.normal_(0.0, std::pow(static_cast<double>(d_model), -0.5));
  embedding->weight[kPadId].zero_();
  return embedding;
}

}  // namespace

void Seq2SeqImpl::register_embeddings() {
  if (config_.share_embeddings && src_vocab_ != tgt_vocab_)
    throw ConfigError(
        "config key 'model.share_embeddings': shared embeddings need one joint vocabulary, but the "
        "source has " +
        std::to_string(src_vocab_) + " entries and the target " + std::to_string(tgt_vocab_));
  src_embed = register_module("src_embed", make_embedding(src_vocab_, config_.d_model));
  // A shared table is registered once, so optimizers and parameter counts see it once.
  tgt_embed = config_.share_embeddings
                  ? src_embed
                  : register_module("tgt_embed", make_embedding(tgt_vocab_, config_.d_model));
}

void Seq2SeqImpl::register_output_projection() {
  if (config_.tie_embeddings) return;
  output_projection = register_module(
      "output_projection",
      nmt::Linear(torch::nn::LinearOptions(config_.d_model, tgt_vocab_).bias(false)));
  torch::nn::init::xavier_uniform_(output_projection->weight);
}

torch::Tensor Seq2SeqImpl::project(const torch::Tensor& hidden) {
  if (output_projection) return output_projection(hidden);
  if (int8_tied_projection_) return int8_tied_projection_->forward(hidden);
  return torch::nn::functional::linear(hidden, tgt_embed->weight);  // [..., V]
}

namespace {
constexpr const char* kTiedInt8 = "projection_int8";
constexpr const char* kTiedScale = "projection_scale";
}  // namespace

void Seq2SeqImpl::quantize_int8() {
  if (int8_) return;
  if (!int8_gemm_available()) throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
  torch::NoGradGuard no_grad;
  for (const auto& module : modules(/*include_self=*/false))
    if (auto* linear = dynamic_cast<LinearImpl*>(module.get())) linear->quantize_int8();
  if (!output_projection) {
    auto [q, scale] = quantize_rows_int8(tgt_embed->weight);
    register_buffer(kTiedInt8, q);
    register_buffer(kTiedScale, scale);
  }
  int8_ = true;
  finish_int8();
}

void Seq2SeqImpl::prepare_int8() {
  if (!int8_gemm_available()) throw ConfigError("precision int8: " + int8_gemm_unavailable_reason());
  for (const auto& module : modules(/*include_self=*/false))
    if (auto* linear = dynamic_cast<LinearImpl*>(module.get())) linear->prepare_int8();
  if (!output_projection) {
    register_buffer(kTiedInt8, torch::zeros({tgt_vocab_, config_.d_model}, torch::kInt8));
    register_buffer(kTiedScale, torch::ones({tgt_vocab_}));
  }
  int8_ = true;
}

void Seq2SeqImpl::finish_int8() {
  TORCH_CHECK(int8_, "finish_int8 before prepare_int8");
  for (const auto& module : modules(/*include_self=*/false))
    if (auto* linear = dynamic_cast<LinearImpl*>(module.get()))
      if (!linear->is_int8()) linear->finish_int8();
  if (!output_projection) {
    auto buffers = named_buffers(/*recurse=*/false);
    int8_tied_projection_ =
        std::make_shared<const Int8Gemm>(buffers[kTiedInt8], buffers[kTiedScale], torch::Tensor());
  }
}

void Seq2SeqImpl::convert_floats(torch::ScalarType dtype) {
  torch::NoGradGuard no_grad;
  for (auto& p : parameters(/*recurse=*/true))
    if (p.is_floating_point() && p.scalar_type() != dtype) p.set_data(p.to(dtype));
  for (const auto& item : named_buffers(/*recurse=*/true)) {
    const std::string& name = item.key();
    const bool scale = name.size() >= 6 && name.compare(name.size() - 6, 6, "_scale") == 0;
    torch::Tensor b = item.value();
    if (!scale && b.is_floating_point() && b.scalar_type() != dtype) b.set_data(b.to(dtype));
  }
}

void Seq2SeqImpl::reorder(DecoderCache& cache, EncoderOutput& encoded,
                          const torch::Tensor& indices) {
  reorder_cache_rows(cache, encoded, indices);
}

int64_t Seq2SeqImpl::parameter_count() const {
  // A tensor registered under two names (shared embeddings) is counted once.
  std::set<const void*> seen;
  int64_t total = 0;
  for (const auto& p : parameters(/*recurse=*/true))
    if (seen.insert(p.unsafeGetTensorImpl()).second) total += p.numel();
  return total;
}

std::string Seq2SeqImpl::parameter_summary() const {
  // Groups by top-level submodule; every embedding table and the output projection count as
  // "embeddings" (with tied/shared embeddings they are one tensor anyway).
  std::vector<std::pair<std::string, int64_t>> groups;
  std::set<const void*> seen;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    if (!seen.insert(item.value().unsafeGetTensorImpl()).second) continue;
    std::string top = item.key().substr(0, item.key().find('.'));
    if (top.find("embed") != std::string::npos || top.find("output") != std::string::npos)
      top = "embeddings";
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == top; });
    if (it == groups.end()) {
      groups.emplace_back(top, 0);
      it = groups.end() - 1;
    }
    it->second += item.value().numel();
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return (a.first == "embeddings") > (b.first == "embeddings");
  });
  std::string out = config_.arch + ": " + human_count(parameter_count()) + " parameters (";
  for (size_t i = 0; i < groups.size(); ++i)
    out += (i ? ", " : "") + groups[i].first + " " + human_count(groups[i].second);
  return out + ")";
}

}  // namespace nmt
