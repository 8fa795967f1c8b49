#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/metrics_log_reader.h"
#include "support/run_command.h"
#include "support/synthetic_corpus.h"

namespace nmt {
namespace {

using test::metrics_events;
namespace fs = std::filesystem;
using test::run_nmt;

// A tiny parallel corpus and validation set in `dir`.
void write_corpus(const test::TempDir& dir) {
  std::string src, tgt;
  for (const auto& [s, t] : test::synthetic_pairs(400, 12, 3)) {
    src += s + "\n";
    tgt += t + "\n";
  }
  test::write_file(dir / "train.en", src);
  test::write_file(dir / "train.de", tgt);
  std::string vsrc, vtgt;
  for (const auto& [s, t] : test::synthetic_pairs(20, 12, 99)) {
    vsrc += s + "\n";
    vtgt += t + "\n";
  }
  test::write_file(dir / "val.en", vsrc);
  test::write_file(dir / "val.de", vtgt);
}

std::string train_args(const test::TempDir& dir, const std::string& run) {
  return "train --preset tiny --src " + dir / "train.en" + " --tgt " + dir / "train.de" +
         " --valid-src " + dir / "val.en" + " --valid-tgt " + dir / "val.de" + " --out " + run +
         " --set data.vocab_size=120 --set train.max_steps=6 --set train.save_every=3"
         " --set train.valid_every=3 --set train.log_every=2 --threads 1";
}

TEST(TrainCli, WritesARunDirectoryAndResumeContinuesIt) {
  test::TempDir dir;
  write_corpus(dir);
  const std::string run = dir / "run";
  const auto first = run_nmt(train_args(dir, run));
  ASSERT_EQ(first.exit_code, 0) << first.err;

  const auto config = nlohmann::json::parse(test::read_file(run + "/config.json"));
  EXPECT_EQ(config["train"]["max_steps"], 6);
  EXPECT_EQ(config["model"]["d_model"], 64);  // the tiny preset
  EXPECT_EQ(config["data"]["train_src"], dir / "train.en");
  for (const char* file :
       {"spm.model", "spm.vocab", "checkpoints/last.pt", "checkpoints/best.pt",
        "checkpoints/step-0000003.pt", "checkpoints/step-0000006.pt", "train.log"})
    EXPECT_TRUE(fs::exists(run + "/" + file)) << file;
  const auto train = metrics_events(run, "train");
  ASSERT_EQ(train.size(), 3u);
  for (const char* key : {"step", "epoch", "loss", "ppl", "lr", "tgt_tokens_per_s", "elapsed_s"})
    EXPECT_TRUE(train.back().contains(key)) << key;
  const auto valid = metrics_events(run, "valid");
  ASSERT_EQ(valid.size(), 2u);
  EXPECT_EQ(valid[1]["step"], 6);
  EXPECT_NE(valid[1]["signature"].get<std::string>().find("nrefs:1"), std::string::npos);
  EXPECT_TRUE(valid[1].contains("bleu") && valid[1].contains("chrf"));

  // The resumed part also writes the HTML report (train.report).
  const auto resumed = run_nmt("train --resume " + run +
                               " --set train.max_steps=8 --set train.report=true --threads 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at step 6"), std::string::npos) << resumed.err;
  const auto stops = metrics_events(run, "stop");
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[1]["step"], 8);
  EXPECT_TRUE(fs::exists(run + "/checkpoints/step-0000008.pt"));
  ASSERT_TRUE(fs::exists(run + "/report.html"));
  EXPECT_NE(test::read_file(run + "/report.html").find("</html>"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  EXPECT_EQ(nlohmann::json::parse(test::read_file(run + "/config.json"))["train"]["max_steps"], 8);

  // A model section cannot change under a run.
  const auto changed = run_nmt("train --resume " + run + " --set model.d_model=128");
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.err.find("model.d_model"), std::string::npos) << changed.err;

  // Averaging the last two step checkpoints exports a model directory.
  const auto averaged = run_nmt("average --last 2 " + run + " --out " + dir / "avg");
  ASSERT_EQ(averaged.exit_code, 0) << averaged.err;
  for (const char* file : {"model.pt", "config.json", "spm.model"})
    EXPECT_TRUE(fs::exists(dir / ("avg/" + std::string(file)))) << file;
}

TEST(TrainCli, RefusesToOverwriteARunDirectory) {
  test::TempDir dir;
  write_corpus(dir);
  fs::create_directories(dir / "run");
  test::write_file(dir / "run/notes.txt", "mine");
  const auto r = run_nmt(train_args(dir, dir / "run"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_file(dir / "run/notes.txt"), "mine");
}

TEST(TrainCli, BadConfigKeysExitTwoNamingTheKey) {
  test::TempDir dir;
  write_corpus(dir);
  const auto unknown = run_nmt(train_args(dir, dir / "a") + " --set train.bogus=1");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("train.bogus"), std::string::npos) << unknown.err;
  const auto range = run_nmt(train_args(dir, dir / "b") + " --set train.lr=-1");
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("train.lr"), std::string::npos) << range.err;
  const auto no_data = run_nmt("train --preset tiny --out " + dir / "c");
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_NE(no_data.err.find("--src"), std::string::npos) << no_data.err;
  EXPECT_FALSE(fs::exists(dir / "a"));
}

TEST(TrainCli, AMissingInputFileExitsOneNamingIt) {
  test::TempDir dir;
  write_corpus(dir);
  std::string args = train_args(dir, dir / "run");
  const std::string valid = dir / "val.de";
  args.replace(args.find(valid), valid.size(), dir / "no-such-file.de");
  const auto r = run_nmt(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no-such-file.de"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "run"));  // nothing half-made left behind
}

}  // namespace
}  // namespace nmt
