#include "nmt/training/trainer.h"

#include <chrono>
#include <cmath>
#include <optional>

#include "nmt/training/label_smoothed_loss.h"
#include "nmt/training/stop_signal.h"
#include "nmt/training/train_progress.h"
#include "nmt/util/autocast.h"
#include "nmt/util/error.h"
#include "nmt/util/free_cores.h"
#include "nmt/util/system.h"

namespace nmt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string precision_name(torch::ScalarType type) {
  return type == torch::kBFloat16 ? "bf16" : "fp32";
}

// How long the other ranks wait for rank 0 to validate or write a checkpoint. Far longer than the
// collective timeout: a beam-search validation of a large dev set takes minutes. A rank 0 that
// dies meanwhile is still noticed at once (the store it serves goes away).
constexpr std::chrono::hours kPrimaryWorkTimeout{6};

// FNV-1a over the parameters' bytes: equal on every rank iff the replicas are bit-identical (up to
// a 64-bit collision), as the same summed gradients and the same Adam steps make them.
std::string parameter_checksum(const Seq2Seq& model) {
  uint64_t hash = 1469598103934665603ull;
  for (const auto& p : model->parameters()) {
    const torch::Tensor t = p.detach().contiguous().cpu();
    const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
    const size_t n = static_cast<size_t>(t.numel()) * t.element_size();
    for (size_t i = 0; i < n; ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// Where this trainer's model lives: config.train.device, or in a data-parallel job the rank's
// own device (DistributedContext::model_device: "cuda" is cuda:LOCAL_RANK there).
torch::Device training_device(const std::string& configured,
                              const DistributedContext* distributed) {
  const std::string device = check_device(configured);
  if (distributed != nullptr && distributed->active()) return distributed->model_device();
  return torch::Device(device);
}

}  // namespace

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::max_steps:
      return "max_steps";
    case StopReason::max_epochs:
      return "max_epochs";
    case StopReason::max_minutes:
      return "max_minutes";
    case StopReason::early_stopping:
      return "early_stopping";
    case StopReason::interrupted:
      return "interrupted";
  }
  return "?";
}

struct Trainer::UpdateResult {
  bool finite = true;
  UpdateStats stats;
};

Trainer::Trainer(Config config, std::string run_dir, Seq2Seq model, BatchSource& data,
                 DistributedContext* distributed)
    : config_(std::move(config)),
      run_dir_(std::move(run_dir)),
      model_(std::move(model)),
      data_(data),
      device_(training_device(config_.train.device, distributed)),
      precision_(resolve_precision(config_.train.precision, config_.train.device)),
      schedule_(config_.train),
      checkpoints_(run_dir_, config_.train.keep_last),
      dist_(distributed) {
  // The optimizer holds the parameters themselves: the model must be on its device first.
  model_->to(device_);
  const TrainConfig& t = config_.train;
  optimizer_ = std::make_unique<AdamOptimizer>(
      model_->parameters(), AdamOptions{t.adam_beta1, t.adam_beta2, t.adam_eps, t.weight_decay});
  if (t.ema > 0) ema_ = std::make_unique<WeightEma>(optimizer_->parameters(), t.ema);
}

Trainer::~Trainer() = default;

void Trainer::resume(const Checkpoint& checkpoint) {
  checkpoint.restore_optimizer(*optimizer_);
  checkpoint.restore_rng(device_.str());
  state_ = checkpoint.state;
  // A checkpoint without an average (train.ema turned on for the rest of a run) starts it from
  // the weights; one with an average that is no longer wanted just continues the raw weights.
  if (ema_ && !checkpoint.weight_average.empty()) ema_->set_values(checkpoint.weight_average);
  saved_step_ = state_.step;
  validated_step_ = state_.step;
}

void Trainer::set_validation(ValidateFn validate) { validate_ = std::move(validate); }

bool Trainer::agree(bool local, const std::string& what) {
  return distributed() ? dist_->any(local, what) : local;
}

void Trainer::wait_for_primary(const std::string& what) {
  if (distributed())
    dist_->barrier(what,
                   std::chrono::duration_cast<std::chrono::milliseconds>(kPrimaryWorkTimeout));
}

void Trainer::set_loss_hook(std::function<void(int64_t, torch::Tensor&)> hook) {
  loss_hook_ = std::move(hook);
}

Trainer::UpdateResult Trainer::update(std::vector<Batch>& batches) {
  UpdateResult result;
  int64_t local_tokens = 0;
  for (const auto& b : batches) local_tokens += b.tgt_tokens;
  // Data parallel: every rank divides by the whole update's tokens over all ranks, so the summed
  // gradients are the per-token mean of all their batches (gradient_sync.h).
  const int64_t tokens =
      distributed() ? dist_->sum(local_tokens, "the update's target tokens") : local_tokens;
  result.stats.tgt_tokens = tokens;
  PhaseClock clock(phases_);
  optimizer_->zero_grad();
  for (auto& batch : batches) {
    const torch::Tensor src = batch.src.to(device_);          // [B, S]
    const torch::Tensor tgt_in = batch.tgt_in.to(device_);    // [B, T]
    const torch::Tensor tgt_out = batch.tgt_out.to(device_);  // [B, T]
    torch::Tensor logits;                                     // [B, T, V]
    {
      AutocastGuard autocast(device_, precision_);
      logits = model_->forward(src, tgt_in);
    }
    clock.lap(StepPhases::forward);
    LossSums sums = label_smoothed_loss(logits, tgt_out, config_.train.label_smoothing);
    if (loss_hook_) loss_hook_(state_.step + 1, sums.loss);
    const double loss = sums.loss.item<double>();
    result.stats.loss_sum += loss;
    result.stats.nll_sum += sums.nll.item<double>();
    clock.lap(StepPhases::loss);
    if (!std::isfinite(loss)) {  // no point back-propagating the rest of the update
      result.finite = false;
      if (!distributed()) return result;
      break;  // but the other ranks expect this one in the gradient all-reduce
    }
    // Sums over the whole update's tokens: the gradient is the per-token mean of the update.
    (sums.loss / static_cast<double>(std::max<int64_t>(tokens, 1))).backward();
    clock.lap(StepPhases::backward);
  }
  if (distributed()) {
    // One round: gradient buckets plus the loss sums and a "not finite here" count, so a bad
    // batch on any rank makes every rank skip the update.
    std::vector<double> stats{result.stats.loss_sum, result.stats.nll_sum,
                              result.finite ? 0.0 : 1.0};
    sync_->all_reduce(&stats);
    result.stats.loss_sum = stats[0];
    result.stats.nll_sum = stats[1];
    result.finite = stats[2] == 0.0;
    clock.lap(StepPhases::sync);
    if (!result.finite) return result;
  }
  const double clip = config_.train.clip_norm;
  result.stats.grad_norm = clip > 0 ? optimizer_->clip_grad_norm(clip) : optimizer_->grad_norm();
  clock.lap(StepPhases::clip);
  if (!std::isfinite(result.stats.grad_norm)) {
    result.finite = false;
    return result;
  }
  result.stats.lr = schedule_.at(state_.step + 1);
  optimizer_->step(result.stats.lr);
  clock.lap(StepPhases::optimizer);
  state_.step += 1;
  if (ema_) ema_->update(state_.step);
  clock.lap(StepPhases::ema);
  phases_.updates += 1;
  state_.tgt_tokens += tokens;
  return result;
}

void Trainer::save(bool best) {
  saved_step_ = state_.step;
  if (!primary()) return;  // rank 0 writes the run directory
  checkpoints_.save(state_.step, best, [&](const std::string& path) {
    if (!ema_) return save_checkpoint(path, *model_, config_, *optimizer_, state_, device_.str());
    WeightEma::Swapped average(*ema_);  // the model holds the average, values() the weights
    save_checkpoint(path, *model_, config_, *optimizer_, state_, device_.str(), &ema_->values());
  });
  log_->file_only("saved checkpoint " + checkpoints_.step_path(state_.step) +
                  (best ? " (best)" : ""));
}

bool Trainer::validate_and_maybe_stop() {
  const TrainConfig& t = config_.train;
  validated_step_ = state_.step;
  if (!primary()) return false;  // rank 0 validates; agree() shares its verdict
  ValidationResult r;
  {
    std::optional<WeightEma::Swapped> average;
    if (ema_) average.emplace(*ema_);
    r = validate_(model_);
  }
  model_->train();
  validated_step_ = state_.step;
  const double score = validation_score(r, t.early_stopping);
  const bool improved = score_improves(score, state_.best_score, t.early_stopping);
  if (improved) {
    state_.best_score = score;
    state_.best_step = state_.step;
    state_.bad_validations = 0;
  } else {
    state_.bad_validations += 1;
  }
  log_->event({{"event", "valid"},
               {"step", state_.step},
               {"epoch", state_.data.epoch},
               {"loss", RunLog::round6(r.loss)},
               {"ppl", RunLog::round6(r.ppl)},
               {"bleu", RunLog::round6(r.bleu)},
               {"chrf", RunLog::round6(r.chrf)},
               {"signature", r.bleu_signature},
               {"chrf_signature", r.chrf_signature},
               {"best", improved},
               {"valid_s", RunLog::round6(r.seconds)},
               {"elapsed_s", RunLog::round6(state_.elapsed_seconds)}});
  char line[256];
  std::snprintf(line, sizeof(line),
                "valid step %lld | loss %.4f | ppl %.2f | BLEU %.2f | chrF %.2f | %s best %.4g "
                "(step %lld)%s | %.1f s",
                static_cast<long long>(state_.step), r.loss, r.ppl, r.bleu, r.chrf,
                t.early_stopping.c_str(), state_.best_score,
                static_cast<long long>(state_.best_step), improved ? " *" : "", r.seconds);
  log_->info(line);
  if (!r.bleu_signature.empty()) log_->file_only("BLEU signature: " + r.bleu_signature);
  if (improved) save(/*best=*/true);
  return t.patience > 0 && state_.bad_validations >= t.patience;
}

// What one train() call carries from update to update.
struct Trainer::Loop {
  TrainProgress& progress;
  Clock::time_point run_start;  // of this train() call
  double elapsed_before;        // training time of the runs this one resumes
  int64_t batches_since_epoch_start = 0;
  int64_t nonfinite_in_a_row = 0;
  StopReason reason = StopReason::max_steps;
  bool stop = false;
};

TrainResult Trainer::train() {
  StopSignal stop_signal;
  log_ = std::make_unique<RunLog>(primary() ? run_dir_ : std::string(), progress_);
  TrainProgress progress(config_.train, *log_);
  Loop loop{progress, Clock::now(), state_.elapsed_seconds};
  const int64_t first_step = state_.step;

  log_start(first_step);
  if (distributed()) start_data_parallel();
  // train.threads 0 (the cores available): follow the cores other processes leave free. Ranks of
  // a data-parallel job keep theirs (equal replicas need equal reductions on every rank).
  if (config_.train.threads == 0 && device_.is_cpu() && !distributed() &&
      torch::get_num_threads() > 1)
    threads_ = std::make_unique<ThreadGovernor>(torch::get_num_threads());
  model_->train();
  data_.seek(state_.data);
  loop.batches_since_epoch_start = state_.data.batches_done;
  while (!loop.stop) {
    if (limit_reached(loop)) break;
    PhaseClock data_clock(phases_);
    std::vector<Batch> batches = next_update(loop);
    data_clock.lap(StepPhases::data);
    if (!batches.empty() && !apply_update(batches, loop))
      continue;  // skipped: straight to the next
    between_updates(loop);
  }
  finish(loop, first_step);
  if (threads_ && threads_->threads() != threads_->max_threads())
    set_threads(threads_->max_threads());  // the caller gets back the threads it set
  return stop_report(loop);
}

void Trainer::log_start(int64_t first_step) {
  const TrainConfig& t = config_.train;
  log_->info(model_->parameter_summary());
  if (ema_) {
    char line[96];
    std::snprintf(line, sizeof(line),
                  "weight average (train.ema %g) validated and saved as the model", ema_->decay());
    log_->info(line);
  }
  log_->info("training on " + t.device + " in " + precision_name(precision_) + ", " +
             std::to_string(torch::get_num_threads()) + " thread(s), " + schedule_.describe() +
             (first_step > 0 ? ", resuming at step " + std::to_string(first_step) + " (epoch " +
                                   std::to_string(state_.data.epoch) + ")"
                             : ""));
  log_->event({{"event", "start"},
               {"step", first_step},
               {"epoch", state_.data.epoch},
               {"parameters", model_->parameter_count()},
               {"precision", precision_name(precision_)},
               {"device", t.device},
               {"threads", torch::get_num_threads()}});
}

void Trainer::start_data_parallel() {
  const TrainConfig& t = config_.train;
  // Replicas start equal (rank 0's parameters; on resume they already are), and each rank draws
  // its own dropout masks from then on.
  sync_ = std::make_unique<GradientSync>(*dist_, model_->parameters());
  sync_->broadcast_parameters(model_->buffers());
  if (!primary())
    torch::manual_seed(static_cast<uint64_t>(t.seed) +
                       1000003ull * static_cast<uint64_t>(dist_->rank()) +
                       static_cast<uint64_t>(state_.step));
  log_->info("data parallel: rank " + std::to_string(dist_->rank()) + " of " +
             std::to_string(dist_->world_size()) + " (" + dist_->backend() + "), gradients in " +
             std::to_string(sync_->bucket_count()) + " all-reduce bucket(s) per update");
}

bool Trainer::limit_reached(Loop& loop) {
  const TrainConfig& t = config_.train;
  if (t.max_steps > 0 && state_.step >= t.max_steps) {
    loop.reason = StopReason::max_steps;
    return true;
  }
  if (t.max_minutes > 0 && agree(state_.elapsed_seconds >= t.max_minutes * 60, "the time limit")) {
    loop.reason = StopReason::max_minutes;
    return true;
  }
  return false;
}

std::vector<Batch> Trainer::next_update(Loop& loop) {
  const TrainConfig& t = config_.train;
  std::vector<Batch> batches;
  while (static_cast<int64_t>(batches.size()) < t.accumulate) {
    if (auto batch = data_.next()) {
      batches.push_back(std::move(*batch));
      loop.batches_since_epoch_start += 1;
      continue;
    }
    const int64_t epoch = data_.position().epoch;
    if (loop.batches_since_epoch_start == 0)
      throw DataError(
          "the training data yields no batches (were all pairs filtered out? see "
          "data.max_length and data.max_length_ratio)");
    loop.progress.epoch_finished(epoch, loop.batches_since_epoch_start);
    if (t.max_epochs > 0 && epoch >= t.max_epochs) {
      loop.reason = StopReason::max_epochs;
      loop.stop = true;
      break;
    }
    data_.seek({epoch + 1, 0});
    loop.batches_since_epoch_start = 0;
  }
  // Shards hold equal batch counts, so ranks reach the end together; should one run dry first
  // (fewer pairs than ranks in a window), all stop rather than wait for it forever.
  if (distributed()) {
    const int64_t stopping = dist_->sum(int64_t{loop.stop}, "the end of the training data");
    if (stopping > 0 && stopping < dist_->world_size()) {  // out of step: drop the partial update
      loop.reason = StopReason::max_epochs;
      loop.stop = true;
      batches.clear();
    }
  }
  return batches;
}

bool Trainer::apply_update(std::vector<Batch>& batches, Loop& loop) {
  const TrainConfig& t = config_.train;
  const UpdateResult result = update(batches);
  state_.data = data_.position();
  state_.elapsed_seconds = loop.elapsed_before + seconds_since(loop.run_start);
  if (!result.finite) {
    loop.nonfinite_in_a_row += 1;
    log_->warn("non-finite loss or gradient at step " + std::to_string(state_.step + 1) +
               " (loss " + std::to_string(result.stats.loss_sum) + "); update skipped (" +
               std::to_string(loop.nonfinite_in_a_row) + " in a row, train.nan_tolerance " +
               std::to_string(t.nan_tolerance) + ")");
    log_->event(
        {{"event", "nonfinite"}, {"step", state_.step + 1}, {"in_a_row", loop.nonfinite_in_a_row}});
    if (loop.nonfinite_in_a_row >= t.nan_tolerance) {
      const auto last = checkpoints_.latest();
      const std::string message =
          "training diverged: " + std::to_string(loop.nonfinite_in_a_row) +
          " updates in a row had a "
          "non-finite loss or gradient (at step " +
          std::to_string(state_.step + 1) + "). " +
          (last ? "The last good checkpoint is " + *last +
                      "; lower train.lr or raise "
                      "train.warmup_steps and resume with: nmt train --resume " +
                      run_dir_
                : std::string(
                      "No checkpoint was written; lower train.lr or raise train.warmup_steps."));
      log_->error(message);
      throw std::runtime_error(message);
    }
    return false;
  }
  loop.nonfinite_in_a_row = 0;
  loop.progress.add(result.stats, state_);
  return true;
}

void Trainer::between_updates(Loop& loop) {
  const TrainConfig& t = config_.train;
  const Clock::time_point side_start = Clock::now();
  if (threads_) follow_free_cores();
  if (agree(StopSignal::received() != 0, "a stop signal")) {
    loop.reason = StopReason::interrupted;
    loop.stop = true;
  }
  const bool due_validation = validate_ && t.valid_every > 0 && state_.step % t.valid_every == 0;
  bool primary_worked = false;
  if (!loop.stop && due_validation && validated_step_ != state_.step) {
    primary_worked = true;
    if (validate_on_every_rank()) {
      loop.reason = StopReason::early_stopping;
      loop.stop = true;
    }
  }
  if (!loop.stop && t.save_every > 0 && state_.step % t.save_every == 0 &&
      saved_step_ != state_.step) {
    save(false);
    primary_worked = true;
  }
  if (primary_worked && !loop.stop)
    wait_for_primary("checkpoint at step " + std::to_string(state_.step));
  loop.progress.exclude(seconds_since(side_start));
}

void Trainer::follow_free_cores() {
  const int n = threads_->poll();
  if (n == 0) return;
  const int max = threads_->max_threads();
  log_->info(
      n < max
          ? "other processes are using the cores: training goes on with " + std::to_string(n) +
                " of " + std::to_string(max) + " threads (train.threads pins the count)"
          : "the cores are free again: training goes on with " + std::to_string(n) + " threads");
  log_->event({{"event", "threads"}, {"step", state_.step}, {"threads", n}});
}

bool Trainer::validate_on_every_rank() {
  bool early = validate_and_maybe_stop();
  if (distributed()) {
    wait_for_primary("validation at step " + std::to_string(state_.step));
    // Rank 0's verdict, and whether it saved best.pt (so no rank saves this step again).
    const bool saved = saved_step_ == state_.step;
    const auto verdict = dist_->sum(std::vector<double>{early ? 1.0 : 0.0, saved ? 1.0 : 0.0},
                                    "the validation's verdict");
    early = verdict[0] > 0;
    if (verdict[1] > 0) saved_step_ = state_.step;
  }
  return early;
}

void Trainer::finish(Loop& loop, int64_t first_step) {
  state_.elapsed_seconds = loop.elapsed_before + seconds_since(loop.run_start);
  const bool trained = state_.step > first_step;
  if (trained && validate_ && validated_step_ != state_.step &&
      loop.reason != StopReason::interrupted) {
    validate_and_maybe_stop();
    wait_for_primary("the final validation");
  }
  // Rank 0 decides: it may have saved best.pt at this step already (the others cannot know).
  const bool save_at_end = saved_step_ != state_.step && (trained || !checkpoints_.latest());
  if (distributed() ? dist_->sum(int64_t{save_at_end && primary()}, "the final checkpoint") > 0
                    : save_at_end)
    save(false);
  if (distributed()) {
    wait_for_primary("the end of training");
    dist_->check_same("the trained parameters (checksum)", parameter_checksum(model_));
    log_->info("data parallel: the parameters of all " + std::to_string(dist_->world_size()) +
               " ranks are identical (checksum " + parameter_checksum(model_) + ")");
  }
  progress_.clear();
}

TrainResult Trainer::stop_report(const Loop& loop) {
  const TrainConfig& t = config_.train;
  const StopReason reason = loop.reason;
  TrainResult result;
  result.reason = reason;
  result.state = state_;
  result.last_checkpoint = checkpoints_.last_path();
  result.train_seconds = seconds_since(loop.run_start);
  log_->event({{"event", "stop"},
               {"step", state_.step},
               {"epoch", state_.data.epoch},
               {"reason", to_string(reason)},
               {"elapsed_s", RunLog::round6(state_.elapsed_seconds)}});
  if (reason == StopReason::interrupted) {
    log_->info("interrupted by signal " + std::to_string(StopSignal::received()) + " at step " +
               std::to_string(state_.step) + "; checkpoint saved to " + result.last_checkpoint +
               ". Resume with: nmt train --resume " + run_dir_);
  } else {
    log_->info("training stopped at step " + std::to_string(state_.step) + " (" +
               to_string(reason) + ") after " +
               TrainProgress::format_duration(state_.elapsed_seconds) +
               (std::isnan(state_.best_score)
                    ? std::string()
                    : "; best " + t.early_stopping + " " + std::to_string(state_.best_score) +
                          " at step " + std::to_string(state_.best_step)));
  }
  return result;
}

}  // namespace nmt
