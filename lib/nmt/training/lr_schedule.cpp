#include "nmt/training/lr_schedule.h"

#include <cmath>
#include <sstream>

#include "nmt/util/error.h"

namespace nmt {
namespace {

LrSchedule::Kind parse_kind(const std::string& name) {
  if (name == "inverse_sqrt") return LrSchedule::Kind::inverse_sqrt;
  if (name == "constant") return LrSchedule::Kind::constant;
  if (name == "cosine") return LrSchedule::Kind::cosine;
  throw ConfigError("config key 'train.schedule': '" + name +
                    "' is not one of: inverse_sqrt, constant, cosine");
}

}  // namespace

LrSchedule::LrSchedule(const TrainConfig& config)
    : LrSchedule(parse_kind(config.schedule), config.lr, config.warmup_steps, config.min_lr,
                 config.max_steps) {}

LrSchedule::LrSchedule(Kind kind, double lr, int64_t warmup_steps, double min_lr, int64_t max_steps)
    : kind_(kind), lr_(lr), warmup_(warmup_steps), min_lr_(min_lr), max_steps_(max_steps) {
  if (kind_ == Kind::cosine && max_steps_ <= warmup_)
    throw ConfigError(
        "config key 'train.max_steps': the cosine schedule decays over "
        "train.max_steps, which must be larger than train.warmup_steps (" +
        std::to_string(warmup_) + "), got " + std::to_string(max_steps_));
}

double LrSchedule::at(int64_t step) const {
  const auto s = static_cast<double>(std::max<int64_t>(step, 1));
  const auto w = static_cast<double>(warmup_);
  if (warmup_ > 0 && s <= w) return lr_ * s / w;
  switch (kind_) {
    case Kind::inverse_sqrt:
      return lr_ * std::sqrt(std::max(w, 1.0) / s);
    case Kind::constant:
      return lr_;
    case Kind::cosine: {
      if (step >= max_steps_) return min_lr_;
      const double progress = (s - w) / static_cast<double>(max_steps_ - warmup_);  // (0, 1)
      return min_lr_ + (lr_ - min_lr_) * 0.5 * (1.0 + std::cos(M_PI * progress));
    }
  }
  return lr_;
}

std::string LrSchedule::describe() const {
  std::ostringstream out;
  switch (kind_) {
    case Kind::inverse_sqrt:
      out << "inverse_sqrt";
      break;
    case Kind::constant:
      out << "constant";
      break;
    case Kind::cosine:
      out << "cosine";
      break;
  }
  out << "(lr=" << lr_ << ", warmup=" << warmup_;
  if (kind_ == Kind::cosine) out << ", min_lr=" << min_lr_ << ", max_steps=" << max_steps_;
  out << ")";
  return out.str();
}

}  // namespace nmt
