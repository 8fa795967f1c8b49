#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nmt/model/model_file.h"
#include "nmt/training/checkpoint.h"
#include "nmt/training/checkpoint_files.h"
#include "nmt/util/error.h"
#include "reversal_task.h"
#include "support/run_command.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  Config config = test::tiny_config();
  Seq2Seq model;
  std::unique_ptr<AdamOptimizer> optimizer;
  TrainingState state;

  explicit Fixture(int64_t seed = 1) {
    torch::manual_seed(seed);
    model = make_model(config.model, test::kReversalVocab, test::kReversalVocab);
    optimizer = std::make_unique<AdamOptimizer>(model->parameters(), AdamOptions{});
    // One real update, so the Adam moments are not zero.
    test::ReversalBatches data(16, 8);
    const Batch batch = *data.next();
    model->forward(batch.src, batch.tgt_in).sum().backward();
    optimizer->step(1e-3);
    state.step = 7;
    state.data = {2, 3};
    state.tgt_tokens = 1234;
    state.elapsed_seconds = 12.5;
    state.best_score = 31.5;
    state.best_step = 5;
    state.bad_validations = 1;
  }
  void save(const std::string& path) { save_checkpoint(path, *model, config, *optimizer, state); }
};

std::string slurp(const std::string& path) { return test::read_file(path); }

void expect_same_parameters(const Seq2SeqImpl& a, const Seq2SeqImpl& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& entry : pa)
    EXPECT_TRUE(torch::equal(entry.value(), pb[entry.key()])) << entry.key();
}

TEST(Checkpoint, RoundTripRestoresModelOptimizerStateAndRng) {
  test::TempDir dir;
  Fixture f;
  f.save(dir / "c.pt");
  const torch::Tensor expected_draw = torch::rand({5});  // what the saved generator draws next

  torch::manual_seed(12345);  // disturb the generator
  Checkpoint c = load_checkpoint(dir / "c.pt");
  expect_same_parameters(*c.model.model, *f.model);
  EXPECT_EQ(c.state.step, 7);
  EXPECT_EQ(c.state.data.epoch, 2);
  EXPECT_EQ(c.state.data.batches_done, 3);
  EXPECT_EQ(c.state.tgt_tokens, 1234);
  EXPECT_DOUBLE_EQ(c.state.elapsed_seconds, 12.5);
  EXPECT_DOUBLE_EQ(c.state.best_score, 31.5);
  EXPECT_EQ(c.state.best_step, 5);
  EXPECT_EQ(c.state.bad_validations, 1);
  EXPECT_EQ(to_json(c.model.config), to_json(f.config));

  c.restore_rng("cpu");
  EXPECT_TRUE(torch::equal(torch::rand({5}), expected_draw));

  // The restored optimizer continues exactly like the original.
  AdamOptimizer restored(c.model.model->parameters(), AdamOptions{});
  c.restore_optimizer(restored);
  for (auto* m : {&f.model, &c.model.model}) {
    for (auto& p : (*m)->parameters()) p.mutable_grad() = torch::ones_like(p) * 0.01;
  }
  f.optimizer->step(1e-3);
  restored.step(1e-3);
  expect_same_parameters(*c.model.model, *f.model);
}

TEST(Checkpoint, NanBestScoreSurvivesTheRoundTrip) {
  test::TempDir dir;
  Fixture f;
  f.state.best_score = std::numeric_limits<double>::quiet_NaN();
  f.save(dir / "c.pt");
  EXPECT_TRUE(std::isnan(load_checkpoint(dir / "c.pt").state.best_score));
}

TEST(Checkpoint, FailedWriteLeavesThePreviousCheckpointLoadable) {
  test::TempDir dir;
  Fixture first(1);
  first.save(dir / "c.pt");
  const std::string before = slurp(dir / "c.pt");

  Fixture second(2);
  second.state.step = 8;
  fail_next_checkpoint_write_after(4096);  // the writer dies 4 KB into the new file
  try {
    second.save(dir / "c.pt");
    FAIL() << "the write should have failed";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "c.pt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(dir / "c.pt"), before);
  EXPECT_FALSE(fs::exists(dir / "c.pt.tmp"));
  Checkpoint c = load_checkpoint(dir / "c.pt");
  EXPECT_EQ(c.state.step, 7);
  expect_same_parameters(*c.model.model, *first.model);

  // The hook fires once: the next save succeeds.
  second.save(dir / "c.pt");
  EXPECT_EQ(load_checkpoint(dir / "c.pt").state.step, 8);
}

TEST(Checkpoint, UnwritableLocationGivesCheckpointError) {
  test::TempDir dir;
  test::write_file(dir / "file", "not a directory");
  Fixture f;
  EXPECT_THROW(f.save(dir / "file/c.pt"), CheckpointError);
}

TEST(Checkpoint, CorruptOrTruncatedFilesGiveCheckpointError) {
  test::TempDir dir;
  Fixture f;
  f.save(dir / "good.pt");
  const std::string bytes = slurp(dir / "good.pt");
  test::write_file(dir / "truncated.pt", bytes.substr(0, bytes.size() / 2));
  test::write_file(dir / "empty.pt", "");
  test::write_file(dir / "garbage.pt", std::string(5000, 'x'));
  std::string flipped = bytes;
  for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i)
    flipped[i] = static_cast<char>(~flipped[i]);
  test::write_file(dir / "flipped.pt", flipped);
  for (const char* name : {"truncated.pt", "empty.pt", "garbage.pt", "flipped.pt", "missing.pt"}) {
    try {
      load_checkpoint(dir / name);
      ADD_FAILURE() << name << " loaded";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(Checkpoint, ModelFileWithoutTrainingStateCannotBeResumed) {
  test::TempDir dir;
  Fixture f;
  save_model_file(dir / "model.pt", *f.model, f.config);
  try {
    load_checkpoint(dir / "model.pt");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("no training state"), std::string::npos) << e.what();
  }
  // ... while a checkpoint is also a model file.
  f.save(dir / "c.pt");
  expect_same_parameters(*load_model_file(dir / "c.pt").model, *f.model);
}

TEST(Checkpoint, OptimizerStateOfAnotherModelIsRejected) {
  test::TempDir dir;
  Fixture f;
  f.save(dir / "c.pt");
  Config other = f.config;
  other.model.ff = 32;
  Seq2Seq different = make_model(other.model, test::kReversalVocab, test::kReversalVocab);
  AdamOptimizer optimizer(different->parameters(), AdamOptions{});
  EXPECT_THROW(load_checkpoint(dir / "c.pt").restore_optimizer(optimizer), CheckpointError);
}

TEST(CheckpointFiles, KeepsTheLastStepFilesAndLinksLastAndBest) {
  test::TempDir dir;
  CheckpointFiles files(dir.path, /*keep_last=*/2);
  Fixture f;
  for (int64_t step = 1; step <= 5; ++step) {
    f.state.step = step;
    files.save(step, /*best=*/step == 2, [&](const std::string& path) { f.save(path); });
  }
  EXPECT_EQ(files.steps(), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(files.step_path(4), dir.path + "/checkpoints/step-0000004.pt");
  EXPECT_EQ(load_checkpoint(files.last_path()).state.step, 5);
  EXPECT_EQ(load_checkpoint(files.best_path()).state.step, 2);
  ASSERT_TRUE(files.latest().has_value());
  EXPECT_EQ(*files.latest(), files.last_path());
}

TEST(CheckpointFiles, KeepLastZeroKeepsOnlyLastAndBest) {
  test::TempDir dir;
  CheckpointFiles files(dir.path, 0);
  Fixture f;
  files.save(3, true, [&](const std::string& path) { f.save(path); });
  EXPECT_TRUE(files.steps().empty());
  EXPECT_EQ(load_checkpoint(files.last_path()).state.step, 7);
  EXPECT_EQ(load_checkpoint(files.best_path()).state.step, 7);
}

TEST(CheckpointFiles, AFailedSaveKeepsLastPt) {
  test::TempDir dir;
  CheckpointFiles files(dir.path, 2);
  Fixture f;
  files.save(1, false, [&](const std::string& path) { f.save(path); });
  f.state.step = 99;
  fail_next_checkpoint_write_after(100);
  EXPECT_THROW(files.save(2, false, [&](const std::string& path) { f.save(path); }),
               CheckpointError);
  EXPECT_EQ(load_checkpoint(files.last_path()).state.step, 7);
  EXPECT_EQ(files.steps(), (std::vector<int64_t>{1}));
}

}  // namespace
}  // namespace nmt
