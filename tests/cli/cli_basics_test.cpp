// End-to-end: the real `nmt` binary's help, version, config and exit codes.
#include <gtest/gtest.h>

#include "support/run_command.h"

using nmt::test::run_nmt;

TEST(Cli, HelpListsSubcommandsAndExamples) {
  auto r = run_nmt("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("config"), std::string::npos);
  EXPECT_NE(r.out.find("Examples"), std::string::npos);
}

TEST(Cli, VersionNamesLibTorchBlasThreadsCuda) {
  auto r = run_nmt("--version");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"nmt ", "LibTorch ", "BLAS: ", "threads: ", "CUDA: "})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing in\n" << r.out;
}

TEST(Cli, ConfigPrintsResolvedPreset) {
  auto r = run_nmt("config --preset small --set train.lr=0.002");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"d_model\": 256"), std::string::npos);
  EXPECT_NE(r.out.find("\"lr\": 0.002"), std::string::npos);
}

TEST(Cli, ConfigErrorExitsWithTwoAndNamesTheKey) {
  auto r = run_nmt("config --preset small --set model.bogus=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("model.bogus"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
}

TEST(Cli, UnknownOptionIsAUsageError) {
  EXPECT_EQ(run_nmt("config --no-such-flag").exit_code, 2);
  EXPECT_EQ(run_nmt("no-such-command").exit_code, 2);
}

TEST(Cli, ReadmeConfigReferenceIsCurrent) {
  auto r = run_nmt("config --reference");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto readme = nmt::test::read_file(std::string(NMT_SOURCE_DIR) + "/README.md");
  EXPECT_NE(readme.find(r.out), std::string::npos)
      << "README.md's config table is out of date: paste `nmt config --reference` into it";
}
