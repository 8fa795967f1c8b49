#include <gtest/gtest.h>

#include "nmt/training/checkpoint_average.h"
#include "nmt/util/error.h"
#include "reversal_task.h"
#include "support/run_command.h"

namespace nmt {
namespace {

Seq2Seq model_with_seed(const Config& config, int64_t seed) {
  torch::manual_seed(seed);
  return make_model(config.model, test::kReversalVocab, test::kReversalVocab);
}

TEST(CheckpointAverage, TwoModelsAverageToTheMeanOfTheirParameters) {
  test::TempDir dir;
  const Config config = test::tiny_config();
  Seq2Seq a = model_with_seed(config, 1), b = model_with_seed(config, 2);
  {
    // Biases start at 0 and norms at 1 whatever the seed: move every parameter of b apart.
    torch::NoGradGuard no_grad;
    for (auto& p : b->parameters()) p.add_(torch::randn_like(p));
  }
  save_model_file(dir / "a.pt", *a, config);
  save_model_file(dir / "b.pt", *b, config);
  const LoadedModel mean = average_models({dir / "a.pt", dir / "b.pt"});
  const auto pa = a->named_parameters(), pb = b->named_parameters();
  int64_t compared = 0;
  for (const auto& entry : mean.model->named_parameters()) {
    const torch::Tensor expected = (pa[entry.key()] + pb[entry.key()]) / 2;
    EXPECT_TRUE(torch::allclose(entry.value(), expected, 1e-6, 1e-7)) << entry.key();
    EXPECT_FALSE(torch::equal(pa[entry.key()], pb[entry.key()])) << entry.key();
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

TEST(CheckpointAverage, OneModelAveragesToItself) {
  test::TempDir dir;
  const Config config = test::tiny_config();
  Seq2Seq a = model_with_seed(config, 1);
  save_model_file(dir / "a.pt", *a, config);
  const LoadedModel same = average_models({dir / "a.pt"});
  const auto pa = a->named_parameters();
  for (const auto& entry : same.model->named_parameters())
    EXPECT_TRUE(torch::equal(entry.value(), pa[entry.key()]));
}

TEST(CheckpointAverage, DifferentArchitecturesAreRefused) {
  test::TempDir dir;
  Config config = test::tiny_config();
  save_model_file(dir / "a.pt", *model_with_seed(config, 1), config);
  config.model.ff = 32;
  save_model_file(dir / "b.pt", *model_with_seed(config, 1), config);
  EXPECT_THROW(average_models({dir / "a.pt", dir / "b.pt"}), CheckpointError);
  EXPECT_THROW(average_models({}), ConfigError);
}

TEST(CheckpointAverage, LastStepCheckpointsAreTheNewestOldestFirst) {
  test::TempDir dir;
  std::system(("mkdir -p " + dir / "checkpoints").c_str());
  for (const char* name : {"step-0000010.pt", "step-0000020.pt", "step-0000100.pt", "last.pt"})
    test::write_file(dir / (std::string("checkpoints/") + name), "x");
  EXPECT_EQ(last_step_checkpoints(dir.path, 2),
            (std::vector<std::string>{dir / "checkpoints/step-0000020.pt",
                                      dir / "checkpoints/step-0000100.pt"}));
  EXPECT_THROW(last_step_checkpoints(dir.path, 4), ConfigError);
}

}  // namespace
}  // namespace nmt
