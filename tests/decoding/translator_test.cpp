// The Translator: batches by token budget, restores input order, handles empty and over-long
// inputs, and gives every sentence the same translation whatever batch it lands in.
#include <gtest/gtest.h>

#include <set>

#include "decoding/mock_model.h"
#include "decoding/test_sources.h"
#include "nmt/decoding/beam_search.h"
#include "nmt/decoding/decode_batches.h"
#include "nmt/decoding/translator.h"

using namespace nmt;
using namespace nmt::test;

TEST(DecodeBatches, CoverEveryIndexOnceWithinTheBudget) {
  const std::vector<int64_t> lengths = {5, 1, 9, 3, 3, 7, 2, 30, 4};
  const auto batches = make_decode_batches(lengths, /*batch_tokens=*/12);
  std::multiset<size_t> seen;
  int64_t previous_longest = 1 << 30;
  for (const auto& b : batches) {
    ASSERT_FALSE(b.empty());
    int64_t longest = 0;
    for (size_t i : b) {
      seen.insert(i);
      longest = std::max(longest, lengths[i]);
    }
    if (b.size() > 1) {
      EXPECT_LE(static_cast<int64_t>(b.size()) * longest, 12);
    }
    EXPECT_LE(longest, previous_longest);  // longest first
    previous_longest = longest;
  }
  EXPECT_EQ(seen, (std::multiset<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(batches.front(), std::vector<size_t>{7});  // over the budget: alone
  EXPECT_EQ(make_decode_batches(lengths, 1000, /*max_sentences=*/4).size(), 3u);
}

TEST(Translator, RestoresOrderAndLineCountIncludingEmptyInputs) {
  const int64_t V = 10;
  MockModel model(V, random_scorer(V, 41));
  TranslatorOptions o;
  o.search.beam = 3;
  o.batch_tokens = 16;  // several batches
  auto sources = random_sources(25, V, 42, 12);
  sources[0].clear();
  sources[7].clear();
  sources[24].clear();
  Translator translator(model.ptr(), o, torch::kCPU);
  std::vector<size_t> reported;
  const auto out = translator.translate(
      sources, "test", 1,
      [&](const std::vector<size_t>& done, const std::vector<NBestList>& results) {
        for (size_t i : done) EXPECT_FALSE(results[i].empty()) << i;
        reported.insert(reported.end(), done.begin(), done.end());
      });
  ASSERT_EQ(out.size(), sources.size());
  EXPECT_EQ(std::set<size_t>(reported.begin(), reported.end()).size(), sources.size());
  EXPECT_GT(translator.stats().batches, 2);
  const auto reference = beam_search(*model, source_batch(random_sources(25, V, 42, 12)), o.search);
  for (size_t i = 0; i < sources.size(); ++i) {
    ASSERT_EQ(out[i].size(), 1u);
    if (sources[i].empty()) {
      EXPECT_TRUE(out[i][0].tokens.empty()) << i;
    } else {
      EXPECT_EQ(out[i][0].tokens, reference[i][0].tokens) << i;
    }
  }
  EXPECT_EQ(translator.stats().sentences, 25);
}

TEST(Translator, OutputDoesNotDependOnTheBatchBudget) {
  const int64_t V = 10;
  MockModel model(V, random_scorer(V, 43));
  const auto sources = random_sources(30, V, 44, 15);
  std::vector<std::vector<NBestList>> runs;
  for (int64_t budget : {1, 17, 100000}) {
    TranslatorOptions o;
    o.search.beam = 4;
    o.search.nbest = 2;
    o.batch_tokens = budget;
    Translator translator(model.ptr(), o, torch::kCPU);
    runs.push_back(translator.translate(sources));
  }
  for (size_t i = 0; i < sources.size(); ++i)
    for (size_t r = 1; r < runs.size(); ++r)
      for (size_t n = 0; n < 2; ++n) {
        EXPECT_EQ(runs[r][i][n].tokens, runs[0][i][n].tokens) << i;
        EXPECT_EQ(runs[r][i][n].log_prob, runs[0][i][n].log_prob) << i;
      }
}

TEST(Translator, BudgetCountsEveryHypothesisOfASentence) {
  const int64_t V = 10;
  MockModel model(V, random_scorer(V, 47));
  const auto sources = random_sources(40, V, 48, 12);
  auto batches = [&](int64_t beam, int64_t budget) {
    TranslatorOptions o;
    o.search.beam = beam;
    o.batch_tokens = budget;
    Translator translator(model.ptr(), o, torch::kCPU);
    translator.translate(sources);
    return translator.stats().batches;
  };
  std::vector<int64_t> lengths;  // + EOS, as the translator counts them
  for (const auto& s : sources) lengths.push_back(static_cast<int64_t>(s.size()) + 1);
  const auto expected = static_cast<int64_t>(make_decode_batches(lengths, 40).size());
  EXPECT_GT(expected, 2);
  EXPECT_EQ(batches(1, 40), expected);   // greedy: one row per sentence
  EXPECT_EQ(batches(4, 160), expected);  // beam 4: 4 rows per sentence, 4x the budget
  EXPECT_GT(batches(4, 40), expected);   // the same budget holds a quarter of the sentences
}

TEST(Translator, TruncatesSourcesLongerThanThePositionalTable) {
  const int64_t V = 10;
  MockModel model(V, random_scorer(V, 45), /*max_positions=*/8);
  TranslatorOptions o;
  o.search.beam = 2;
  Translator translator(model.ptr(), o, torch::kCPU);
  std::vector<int64_t> long_source(20, 5);
  const auto out = translator.translate(
      {long_source, std::vector<int64_t>(long_source.begin(), long_source.begin() + 7)});
  EXPECT_EQ(out[0][0].tokens, out[1][0].tokens);  // truncated to 7 tokens + EOS = 8 positions
  EXPECT_EQ(translator.stats().source_tokens, 14);
}
