// The reference layout every metric shares: refs[k][i], empty references dropped.
#include <gtest/gtest.h>

#include <stdexcept>

#include "nmt/metrics/references.h"
#include "nmt/util/error.h"

using namespace nmt::metrics;

TEST(References, CountsMustMatchTheHypotheses) {
  try {
    gather_references(3, {{"a", "b", "c"}, {"a", "b"}});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("reference stream 2 has 2 lines but there are 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(gather_references(1, {}), std::invalid_argument);
  EXPECT_THROW(gather_references(0, {{}}), std::invalid_argument);
}

TEST(References, EmptyReferencesAreDroppedAndMakeNrefsVar) {
  const std::vector<std::vector<std::string>> refs{{"a", "b"}, {"", "c"}};
  const auto r = gather_references(2, refs);
  ASSERT_EQ(r.segments[0].size(), 1u);
  ASSERT_EQ(r.segments[1].size(), 2u);
  EXPECT_EQ(*r.segments[1][1], "c");
  EXPECT_EQ(r.nrefs, "var");
  EXPECT_EQ(gather_references(2, {{"a", "b"}, {"c", "d"}}).nrefs, "2");
}

TEST(References, ASegmentWithoutAnyReferenceIsADataError) {
  try {
    gather_references(2, {{"a", ""}, {"b", ""}});
    FAIL() << "expected nmt::DataError";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("segment 2"), std::string::npos) << e.what();
  }
}
