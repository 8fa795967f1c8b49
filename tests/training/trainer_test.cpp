#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nmt/training/checkpoint_files.h"
#include "nmt/training/stop_signal.h"
#include "nmt/training/trainer.h"
#include "nmt/util/log.h"
#include "reversal_task.h"
#include "support/metrics_log_reader.h"
#include "support/run_command.h"

namespace nmt {
namespace {

using test::metrics_events;
namespace fs = std::filesystem;

Seq2Seq fresh_model(const Config& config, int64_t seed) {
  torch::manual_seed(seed);
  return make_model(config.model, test::kReversalVocab, test::kReversalVocab);
}

// Sets LibTorch's intra-op threads for the scope (one thread makes float sums reproducible).
struct ThreadsGuard {
  int previous = torch::get_num_threads();
  explicit ThreadsGuard(int n) { torch::set_num_threads(n); }
  ~ThreadsGuard() { torch::set_num_threads(previous); }
};

struct QuietLog {
  QuietLog() { log::set_level(log::Level::warn); }
  ~QuietLog() { log::set_level(log::Level::info); }
};

double mean_loss(const std::vector<nlohmann::json>& events, size_t begin, size_t end) {
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += events[i]["loss"].get<double>();
  return sum / static_cast<double>(end - begin);
}

TEST(Trainer, LossFallsOnTheReversalTask) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 150;
  config.train.log_every = 10;
  config.train.lr = 3e-3;
  config.train.warmup_steps = 30;
  config.train.precision = "auto";  // bf16 where the CPU is fast at it: the path users get
  test::ReversalBatches data(512, 32);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  const TrainResult result = trainer.train();
  EXPECT_EQ(result.reason, StopReason::max_steps);
  EXPECT_EQ(result.state.step, 150);
  const auto events = metrics_events(dir.path, "train");
  ASSERT_EQ(events.size(), 15u);
  const double first = events.front()["loss"], last = events.back()["loss"];
  // Uniform guessing over 14 ids costs log(14) = 2.64 nats; reversal is learnable, so the loss
  // must fall far below that within 150 updates.
  EXPECT_GT(first, 2.0);
  EXPECT_LT(last, 0.6 * first) << "first " << first << " last " << last;
  EXPECT_LT(mean_loss(events, 12, 15), mean_loss(events, 0, 3));
  EXPECT_TRUE(fs::exists(dir / "checkpoints/last.pt"));  // saved at the end
  EXPECT_GT(events.back()["tgt_tokens_per_s"].get<double>(), 0.0);
}

// N steps, checkpoint, a fresh process state resuming, N more steps == 2N steps straight.
void expect_resume_equals_straight_run(const std::string& precision, double ema = 0.0) {
  QuietLog quiet;
  ThreadsGuard one_thread(1);
  Config config = test::tiny_config();
  config.model.dropout = 0.2;  // dropout on: the generator state must be restored too
  config.model.attention_dropout = 0.1;
  config.train.precision = precision;
  config.train.max_steps = 12;
  config.train.accumulate = 2;  // and updates straddle the epoch end (5 batches per epoch)
  config.train.ema = ema;

  test::TempDir straight_dir, resumed_dir;
  test::ReversalBatches straight_data(40, 8);
  Trainer straight(config, straight_dir.path, fresh_model(config, 3), straight_data);
  straight.train();

  Config first_half = config;
  first_half.train.max_steps = 6;
  {
    test::ReversalBatches data(40, 8);
    Trainer first(first_half, resumed_dir.path, fresh_model(config, 3), data);
    first.train();
  }
  torch::manual_seed(777);  // whatever the generator did meanwhile must not matter
  Checkpoint checkpoint = load_checkpoint(resumed_dir / "checkpoints/last.pt");
  EXPECT_EQ(checkpoint.state.step, 6);
  test::ReversalBatches data(40, 8);
  Trainer second(config, resumed_dir.path, checkpoint.model.model, data);
  second.resume(checkpoint);
  second.train();

  EXPECT_EQ(second.state().step, 12);
  EXPECT_EQ(second.state().data.epoch, straight.state().data.epoch);
  EXPECT_EQ(second.state().data.batches_done, straight.state().data.batches_done);
  EXPECT_EQ(second.state().tgt_tokens, straight.state().tgt_tokens);
  const auto a = straight.model()->named_parameters(), b = second.model()->named_parameters();
  for (const auto& entry : a)
    EXPECT_TRUE(torch::equal(entry.value(), b[entry.key()])) << entry.key();
  if (ema == 0.0) return;
  // The weight average continues exactly too, and is what the checkpoint holds as its model.
  ASSERT_NE(straight.weight_ema(), nullptr);
  ASSERT_NE(second.weight_ema(), nullptr);
  const auto& sa = straight.weight_ema()->values();
  const auto& sb = second.weight_ema()->values();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(torch::equal(sa[i], sb[i])) << i;
  const LoadedModel saved = load_model_file(straight_dir / "checkpoints/last.pt");
  const auto saved_params = unique_trainable(saved.model->parameters());
  ASSERT_EQ(saved_params.size(), sa.size());
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(torch::equal(saved_params[i], sa[i])) << i;
  EXPECT_FALSE(torch::equal(saved_params[0], straight.optimizer().parameters()[0]));
}

TEST(Trainer, ResumeGivesTheSameParametersAsAStraightRunFp32) {
  expect_resume_equals_straight_run("fp32");
}
TEST(Trainer, ResumeGivesTheSameParametersAsAStraightRunBf16) {
  expect_resume_equals_straight_run("bf16");
}
TEST(Trainer, ResumeWithAWeightAverageIsBitExact) {
  expect_resume_equals_straight_run("fp32", /*ema=*/0.9);
}

TEST(Trainer, ValidatesTheWeightAverage) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 8;
  config.train.valid_every = 4;
  config.train.ema = 0.9;
  test::ReversalBatches data(40, 8);
  Trainer trainer(config, dir.path, fresh_model(config, 5), data);
  std::vector<torch::Tensor> seen, raw;
  trainer.set_validation([&](const Seq2Seq& model) {
    seen.push_back(unique_trainable(model->parameters())[0].detach().clone());
    raw.push_back(trainer.weight_ema()->values()[0].clone());  // swapped out meanwhile
    ValidationResult r;
    r.bleu = static_cast<double>(seen.size());
    return r;
  });
  trainer.train();
  ASSERT_EQ(seen.size(), 2u);
  // At the last validation the model held the average, and the raw weights were set aside.
  EXPECT_TRUE(torch::equal(seen.back(), trainer.weight_ema()->values()[0]));
  EXPECT_TRUE(torch::equal(raw.back(), trainer.optimizer().parameters()[0].detach()));
  EXPECT_FALSE(torch::equal(seen.back(), raw.back()));
  // best.pt (the last validation was the best) holds the average.
  const LoadedModel best = load_model_file(dir / "checkpoints/best.pt");
  EXPECT_TRUE(torch::equal(unique_trainable(best.model->parameters())[0], seen.back()));
}

// A validation stand-in whose BLEU rises, then falls.
ValidateFn scripted_bleu(std::vector<double> scores, int* calls) {
  return [scores, calls](const Seq2Seq&) {
    ValidationResult r;
    r.bleu = scores[std::min<size_t>(static_cast<size_t>(*calls), scores.size() - 1)];
    r.loss = 1.0;
    r.ppl = std::exp(1.0);
    *calls += 1;
    return r;
  };
}

TEST(Trainer, EarlyStoppingFiresAfterPatienceValidationsWithoutImprovement) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 100;
  config.train.valid_every = 2;
  config.train.patience = 3;
  config.train.early_stopping = "bleu";
  test::ReversalBatches data(64, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  int calls = 0;
  trainer.set_validation(scripted_bleu({10, 20, 15, 19, 18, 30}, &calls));
  const TrainResult result = trainer.train();
  EXPECT_EQ(result.reason, StopReason::early_stopping);
  EXPECT_EQ(calls, 5);  // best at the 2nd, then three without improvement
  EXPECT_EQ(result.state.step, 10);
  EXPECT_DOUBLE_EQ(result.state.best_score, 20);
  EXPECT_EQ(result.state.best_step, 4);
  EXPECT_EQ(result.state.bad_validations, 3);
  EXPECT_EQ(load_checkpoint(dir / "checkpoints/best.pt").state.step, 4);
  const auto valid = metrics_events(dir.path, "valid");
  ASSERT_EQ(valid.size(), 5u);
  EXPECT_EQ(valid[1]["best"], true);
  EXPECT_EQ(valid[2]["best"], false);
  EXPECT_DOUBLE_EQ(valid[1]["bleu"].get<double>(), 20.0);
}

TEST(Trainer, EarlyStoppingOnLossPrefersLowerValues) {
  EXPECT_TRUE(score_improves(1.0, 2.0, "loss"));
  EXPECT_FALSE(score_improves(2.0, 1.0, "loss"));
  EXPECT_TRUE(score_improves(31.0, 30.0, "bleu"));
  EXPECT_TRUE(score_improves(5.0, std::nan(""), "chrf"));
  EXPECT_FALSE(score_improves(std::nan(""), 5.0, "chrf"));
}

TEST(Trainer, ANonFiniteLossSkipsThatUpdateOnly) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 4;
  test::ReversalBatches data(64, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  int64_t poisoned = 0;
  std::vector<torch::Tensor> before;
  trainer.set_loss_hook([&](int64_t step, torch::Tensor& loss) {
    if (step == 3 && poisoned++ == 0) {
      before.clear();
      for (const auto& p : trainer.model()->parameters()) before.push_back(p.detach().clone());
      loss = loss * std::numeric_limits<double>::quiet_NaN();
    } else if (step == 3) {  // the retry of update 3: nothing changed in between
      const auto params = trainer.model()->parameters();
      for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(torch::equal(params[i], before[i]));
    }
  });
  const TrainResult result = trainer.train();
  EXPECT_EQ(result.state.step, 4);
  EXPECT_EQ(poisoned, 2);
  for (const auto& p : trainer.model()->parameters())
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  EXPECT_EQ(metrics_events(dir.path, "nonfinite").size(), 1u);
}

TEST(Trainer, TooManyNonFiniteLossesInARowStopWithTheLastCheckpointIntact) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 50;
  config.train.save_every = 2;
  config.train.nan_tolerance = 3;
  test::ReversalBatches data(64, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  trainer.set_loss_hook([](int64_t step, torch::Tensor& loss) {
    if (step >= 5) loss = loss + std::numeric_limits<double>::infinity();
  });
  try {
    trainer.train();
    FAIL() << "training should have stopped";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("3 updates in a row"), std::string::npos) << what;
    EXPECT_NE(what.find("last.pt"), std::string::npos) << what;
  }
  Checkpoint last = load_checkpoint(dir / "checkpoints/last.pt");
  EXPECT_EQ(last.state.step, 4);
  for (const auto& p : last.model.model->parameters())
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

TEST(Trainer, StopsAfterMaxEpochs) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 0;
  config.train.max_epochs = 2;
  test::ReversalBatches data(50, 16);  // 4 batches per epoch
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  const TrainResult result = trainer.train();
  EXPECT_EQ(result.reason, StopReason::max_epochs);
  EXPECT_EQ(result.state.step, 8);
  EXPECT_EQ(result.state.data.epoch, 2);
}

// The phase clock (bench_train's step breakdown) counts every update, and its phases add up to
// no more than the training took.
TEST(Trainer, ThePhaseClockCoversEveryUpdate) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 6;
  test::ReversalBatches data(200, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  const auto start = std::chrono::steady_clock::now();
  trainer.train();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const StepPhases& p = trainer.phases();
  EXPECT_EQ(p.updates, 6);
  for (auto phase : {StepPhases::forward, StepPhases::loss, StepPhases::backward, StepPhases::clip,
                     StepPhases::optimizer})
    EXPECT_GT(p.seconds[phase], 0.0) << StepPhases::names[phase];
  EXPECT_EQ(p.seconds[StepPhases::sync], 0.0);  // alone: no all-reduce
  EXPECT_LE(p.total(), wall);
  const StepPhases none = p.since(p);
  EXPECT_EQ(none.updates, 0);
  EXPECT_EQ(none.total(), 0.0);
}

TEST(Trainer, AnInterruptFinishesTheUpdateSavesAndStops) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 100;
  test::ReversalBatches data(64, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  trainer.set_loss_hook([](int64_t step, torch::Tensor&) {
    if (step == 3) StopSignal::request(SIGINT);
  });
  const TrainResult result = trainer.train();
  EXPECT_EQ(result.reason, StopReason::interrupted);
  EXPECT_EQ(result.state.step, 3);
  EXPECT_EQ(load_checkpoint(dir / "checkpoints/last.pt").state.step, 3);
  const auto stops = metrics_events(dir.path, "stop");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0]["reason"], "interrupted");
  EXPECT_NE(test::read_file(dir / "train.log").find("nmt train --resume " + dir.path),
            std::string::npos);
}

TEST(Trainer, SavesEverySaveEveryStepsAndKeepsTheLastFew) {
  QuietLog quiet;
  test::TempDir dir;
  Config config = test::tiny_config();
  config.train.max_steps = 9;
  config.train.save_every = 2;
  config.train.keep_last = 2;
  test::ReversalBatches data(64, 16);
  Trainer trainer(config, dir.path, fresh_model(config, 1), data);
  trainer.train();
  EXPECT_EQ(CheckpointFiles(dir.path, 2).steps(), (std::vector<int64_t>{8, 9}));
  EXPECT_EQ(load_checkpoint(dir / "checkpoints/last.pt").state.step, 9);
  EXPECT_FALSE(fs::exists(dir / "checkpoints/best.pt"));  // no validation, no best
}

}  // namespace
}  // namespace nmt
