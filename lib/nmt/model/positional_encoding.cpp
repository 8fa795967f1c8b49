#include "nmt/model/positional_encoding.h"

#include <cmath>

#include "nmt/util/error.h"

namespace nmt {

PositionalKind parse_positional_kind(const std::string& kind) {
  if (kind == "sinusoidal") return PositionalKind::kSinusoidal;
  if (kind == "learned") return PositionalKind::kLearned;
  if (kind == "none") return PositionalKind::kNone;
  throw ConfigError("config key 'model.positional': unknown encoding '" + kind +
                    "' (expected sinusoidal, learned or none)");
}

PositionalCombine parse_positional_combine(const std::string& combine) {
  if (combine == "add") return PositionalCombine::kAdd;
  if (combine == "concat") return PositionalCombine::kConcat;
  throw ConfigError("config key 'model.positional_combine': unknown mode '" + combine +
                    "' (expected add or concat)");
}

torch::Tensor PositionalEncodingImpl::sinusoids(int64_t offset, int64_t length, int64_t dim,
                                                double base) {
  auto f64 = torch::TensorOptions().dtype(torch::kDouble);
  auto pos = torch::arange(offset, offset + length, f64).unsqueeze(1);  // [T, 1]
  auto j = torch::arange(dim, f64);                                     // [D]
  // Channels 2i and 2i+1 share the frequency 1 / base^(2i/D).
  auto inv_freq = torch::pow(base, -2.0 * torch::floor(j / 2) / static_cast<double>(dim));  // [D]
  auto angle = pos * inv_freq.unsqueeze(0);                // [T, D]
  auto even = (torch::remainder(j, 2) == 0).unsqueeze(0);  // [1, D]
  return torch::where(even, torch::sin(angle), torch::cos(angle)).to(torch::kFloat);
}

PositionalEncodingImpl::PositionalEncodingImpl(const PositionalEncodingOptions& options)
    : options_(options),
      kind_(parse_positional_kind(options.kind)),
      combine_(parse_positional_combine(options.combine)) {
  if (options_.max_positions < 1)
    throw ConfigError("config key 'model.max_positions' must be positive");
  const int64_t d = options_.d_model;
  scale_ = std::sqrt(static_cast<double>(d));
  if (kind_ == PositionalKind::kSinusoidal) {
    sinusoid_cache_ = sinusoids(0, options_.max_positions, d, options_.base);
  } else if (kind_ == PositionalKind::kLearned) {
    table = register_module("table", torch::nn::Embedding(options_.max_positions, d));
    torch::NoGradGuard no_grad;
    table->weight.normal_(0.0, std::pow(static_cast<double>(d), -0.5));
  }
  if (combine_ == PositionalCombine::kConcat && kind_ != PositionalKind::kNone) {
    projection = register_module("projection",
                                 nmt::Linear(torch::nn::LinearOptions(2 * d, d).bias(false)));
    torch::nn::init::xavier_uniform_(projection->weight);
  }
}

torch::Tensor PositionalEncodingImpl::encodings(int64_t offset, int64_t length,
                                                const torch::TensorOptions& options) {
  if (kind_ == PositionalKind::kNone) return {};
  const int64_t end = offset + length;
  if (kind_ == PositionalKind::kLearned) {
    TORCH_CHECK(end <= options_.max_positions, "position ", end - 1,
                " is beyond model.max_positions = ", options_.max_positions,
                " of the learned positional table");
    auto positions = torch::arange(
        offset, end, torch::TensorOptions().dtype(torch::kLong).device(table->weight.device()));
    return table(positions).to(options);  // [T, D]
  }
  auto pe = end <= sinusoid_cache_.size(0)
                ? sinusoid_cache_.narrow(0, offset, length)
                : sinusoids(offset, length, options_.d_model, options_.base);
  return pe.to(options);  // [T, D]
}

torch::Tensor PositionalEncodingImpl::forward(const torch::Tensor& embedded, int64_t offset) {
  const auto b = embedded.size(0), t = embedded.size(1);
  auto x = embedded * scale_;  // [B, T, D]
  auto pe = encodings(offset, t, embedded.options());
  if (!pe.defined()) return x;
  if (combine_ == PositionalCombine::kAdd) return x + pe.unsqueeze(0);  // [B, T, D]
  // [B, T, D] ; [B, T, D] -> [B, T, 2D] -> [B, T, D]
  // The result keeps the embedding's dtype, so under autocast the residual stream stays float32.
  return projection(torch::cat({x, pe.unsqueeze(0).expand({b, t, options_.d_model})}, /*dim=*/-1))
      .to(embedded.scalar_type());
}

}  // namespace nmt
