#include "nmt/training/train_progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nmt {
namespace {

std::string fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string scientific(double value) {
  char text[48];
  std::snprintf(text, sizeof(text), "%.2e", value);
  return text;
}

// An exponential moving average that starts at its first sample.
double smooth(double average, double sample) {
  return average == 0 ? sample : 0.9 * average + 0.1 * sample;
}

}  // namespace

TrainProgress::TrainProgress(const TrainConfig& config, RunLog& log) : config_(config), log_(log) {}

std::string TrainProgress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char text[48];
  if (s >= 86400)
    std::snprintf(text, sizeof(text), "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  else if (s >= 3600)
    std::snprintf(text, sizeof(text), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  else if (s >= 60)
    std::snprintf(text, sizeof(text), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(text, sizeof(text), "%llds", static_cast<long long>(s));
  return text;
}

void TrainProgress::exclude(double seconds) {
  excluded_ += seconds;
  last_update_ = Clock::now();  // the next update's duration starts now
}

void TrainProgress::epoch_finished(int64_t epoch, int64_t batches) {
  if (batches > 0) batches_per_epoch_ = batches;
  log_.info("epoch " + std::to_string(epoch) + " finished (" + std::to_string(batches) +
            " batches)");
}

std::string TrainProgress::eta(const TrainingState& state) const {
  double best = std::numeric_limits<double>::infinity();
  if (config_.max_steps > 0 && seconds_per_step_ > 0)
    best = std::min(best, (config_.max_steps - state.step) * seconds_per_step_);
  if (config_.max_minutes > 0)
    best = std::min(best, config_.max_minutes * 60.0 - state.elapsed_seconds);
  if (config_.max_epochs > 0 && batches_per_epoch_ > 0 && seconds_per_step_ > 0) {
    const double batches_left =
        static_cast<double>(config_.max_epochs - state.data.epoch) * batches_per_epoch_ +
        std::max<int64_t>(batches_per_epoch_ - state.data.batches_done, 0);
    best = std::min(best, batches_left / config_.accumulate * seconds_per_step_);
  }
  return std::isfinite(best) ? format_duration(std::max(best, 0.0)) : "";
}

void TrainProgress::add(const UpdateStats& update, const TrainingState& state) {
  const auto now = Clock::now();
  const double step_seconds = std::chrono::duration<double>(now - last_update_).count();
  last_update_ = now;
  seconds_per_step_ = smooth(seconds_per_step_, step_seconds);
  if (step_seconds > 0) tokens_per_s_ = smooth(tokens_per_s_, update.tgt_tokens / step_seconds);

  loss_sum_ += update.loss_sum;
  nll_sum_ += update.nll_sum;
  grad_norm_sum_ += update.grad_norm;
  tokens_ += update.tgt_tokens;
  updates_ += 1;
  lr_ = update.lr;

  const double tokens = std::max<int64_t>(tokens_, 1);
  const double loss = loss_sum_ / tokens, ppl = std::exp(nll_sum_ / tokens);
  if (log_.progress().enabled()) {
    std::string line = "step " + std::to_string(state.step);
    if (config_.max_steps > 0) line += "/" + std::to_string(config_.max_steps);
    line += " | epoch " + std::to_string(state.data.epoch) + " | loss " + fixed(loss, 3) +
            " | ppl " + fixed(ppl, 2) + " | lr " + scientific(update.lr) + " | " +
            fixed(tokens_per_s_, 0) + " tok/s";
    const std::string left = eta(state);
    if (!left.empty()) line += " | ETA " + left;
    log_.progress().update(line);
  }
  if (state.step % config_.log_every != 0) return;
  const double seconds = std::chrono::duration<double>(now - window_start_).count() - excluded_;
  emit(state, loss, ppl, seconds > 0 ? tokens_ / seconds : 0.0);
  loss_sum_ = nll_sum_ = grad_norm_sum_ = 0;
  tokens_ = updates_ = 0;
  excluded_ = 0;
  window_start_ = now;
}

void TrainProgress::emit(const TrainingState& state, double loss, double ppl, double tokens_per_s) {
  const double grad_norm = grad_norm_sum_ / std::max<int64_t>(updates_, 1);
  log_.event({{"event", "train"},
              {"step", state.step},
              {"epoch", state.data.epoch},
              {"loss", RunLog::round6(loss)},
              {"ppl", RunLog::round6(ppl)},
              {"lr", RunLog::round6(lr_)},
              {"grad_norm", RunLog::round6(grad_norm)},
              {"tgt_tokens_per_s", RunLog::round6(tokens_per_s)},
              {"elapsed_s", RunLog::round6(state.elapsed_seconds)}});
  std::string line = "step " + std::to_string(state.step) + " | epoch " +
                     std::to_string(state.data.epoch) + " | loss " + fixed(loss, 4) + " | ppl " +
                     fixed(ppl, 2) + " | lr " + scientific(lr_) + " | gnorm " +
                     fixed(grad_norm, 3) + " | " + fixed(tokens_per_s, 0) + " tgt tok/s | " +
                     format_duration(state.elapsed_seconds);
  const std::string left = eta(state);
  if (!left.empty()) line += " | ETA " + left;
  // With a live line on the terminal, the periodic lines only go to train.log.
  if (log_.progress().enabled())
    log_.file_only(line);
  else
    log_.info(line);
}

}  // namespace nmt
