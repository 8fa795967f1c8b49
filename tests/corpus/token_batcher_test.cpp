// TokenBatcher: coverage, budget, determinism, exact resume, streaming, sharding, filters.
#include <gtest/gtest.h>

#include <set>

#include "corpus_fixture.h"
#include "nmt/config/special_ids.h"
#include "nmt/corpus/token_batcher.h"
#include "nmt/util/error.h"

namespace {

using nmt::Batch;
using nmt::BatcherOptions;
using nmt::TokenBatcher;
using namespace nmt::test;

const std::pair<std::string, std::string>& corpus_files() {
  static const auto files = write_corpus("batcher", synthetic_pairs(3000, 30, 5));
  return files;
}

std::unique_ptr<TokenBatcher> make(BatcherOptions options) {
  const auto& [src, tgt] = corpus_files();
  return std::make_unique<TokenBatcher>(src, tgt, shared_tokenizer(), shared_tokenizer(), options);
}

BatcherOptions small_budget() {
  BatcherOptions o;
  o.batch_tokens = 400;
  o.max_length = 300;  // no pair of this corpus is that long
  o.max_length_ratio = 0;
  o.seed = 11;
  return o;
}

void expect_each_kept_pair_once(const std::vector<Batch>& batches, const TokenBatcher& batcher) {
  const auto counts = id_counts(batches);
  EXPECT_EQ(static_cast<int64_t>(counts.size()), batcher.stats().pairs_kept);
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << "pair " << id;
}

TEST(TokenBatcher, EveryPairAppearsExactlyOncePerEpoch) {
  auto batcher = make(small_budget());
  EXPECT_TRUE(batcher->in_memory());
  EXPECT_EQ(batcher->stats().pairs_read, 3000);
  EXPECT_EQ(batcher->stats().pairs_kept, 3000);  // no filter applies to this corpus
  for (int64_t epoch = 1; epoch <= 2; ++epoch) {
    batcher->seek({epoch, 0});
    const auto batches = drain(*batcher);
    expect_each_kept_pair_once(batches, *batcher);
    EXPECT_EQ(batcher->position().batches_done, static_cast<int64_t>(batches.size()));
    EXPECT_FALSE(batcher->next()) << "the epoch stays over until the next seek";
  }
}

TEST(TokenBatcher, NoBatchExceedsTheBudget) {
  for (int64_t budget : {40, 400, 4096}) {
    auto options = small_budget();
    options.batch_tokens = budget;
    options.max_length = 39;
    auto batcher = make(options);
    int64_t rows = 0;
    for (const auto& b : drain(*batcher)) {
      const int64_t width = std::max(b.src.size(1), b.tgt_in.size(1));
      EXPECT_LE(b.size() * width, budget);
      rows += b.size();
    }
    EXPECT_EQ(rows, batcher->stats().pairs_kept);
  }
}

TEST(TokenBatcher, BatchRowsHoldTheTokenizedPairs) {
  const auto tok = shared_tokenizer();
  const auto pairs = synthetic_pairs(3000, 30, 5);
  auto batcher = make(small_budget());
  for (const auto& b : drain(*batcher)) {
    ASSERT_EQ(b.src.dtype(), torch::kInt64);
    ASSERT_EQ(b.tgt_in.sizes(), b.tgt_out.sizes());
    EXPECT_EQ(b.src.ne(nmt::kPadId).sum().item<int64_t>(), b.src_tokens);
    EXPECT_EQ(b.tgt_out.ne(nmt::kPadId).sum().item<int64_t>(), b.tgt_tokens);
    for (int64_t r = 0; r < b.size(); ++r) {
      const auto& [src_text, tgt_text] = pairs[static_cast<size_t>(b.ids[r])];
      const auto src = tok->encode(src_text), tgt = tok->encode(tgt_text);
      const int64_t S = static_cast<int64_t>(src.size()), T = static_cast<int64_t>(tgt.size());
      const auto s = row(b.src, r), ti = row(b.tgt_in, r), to = row(b.tgt_out, r);
      for (int64_t i = 0; i < S; ++i) ASSERT_EQ(s[i], src[i]);
      EXPECT_EQ(s[S], nmt::kEosId);
      EXPECT_EQ(ti[0], nmt::kBosId);
      for (int64_t i = 0; i < T; ++i) {
        ASSERT_EQ(ti[i + 1], tgt[i]);
        ASSERT_EQ(to[i], tgt[i]);
      }
      EXPECT_EQ(to[T], nmt::kEosId);
      for (size_t i = S + 1; i < s.size(); ++i) EXPECT_EQ(s[i], nmt::kPadId);
      for (size_t i = T + 1; i < to.size(); ++i) EXPECT_EQ(to[i], nmt::kPadId);
      for (size_t i = T + 1; i < ti.size(); ++i) EXPECT_EQ(ti[i], nmt::kPadId);
    }
  }
}

TEST(TokenBatcher, SameSeedSameBatchesOtherEpochOrSeedOtherOrder) {
  auto a = make(small_budget()), b = make(small_budget());
  auto other_seed = small_budget();
  other_seed.seed = 12;
  auto c = make(other_seed);
  const auto a1 = drain(*a), b1 = drain(*b), c1 = drain(*c);
  ASSERT_EQ(a1.size(), b1.size());
  for (size_t i = 0; i < a1.size(); ++i) EXPECT_TRUE(same_batch(a1[i], b1[i])) << "batch " << i;
  a->seek({2, 0});
  const auto a2 = drain(*a);
  auto first_ids = [](const std::vector<Batch>& v) {
    std::vector<std::vector<int64_t>> ids;
    for (const auto& b : v) ids.push_back(b.ids);
    return ids;
  };
  EXPECT_NE(first_ids(a1), first_ids(a2)) << "epoch 2 should be ordered differently";
  EXPECT_NE(first_ids(a1), first_ids(c1)) << "seed 12 should order differently";
}

// seek({e, k}) then next() must equal the (k+1)-th batch of a fresh epoch e.
void expect_exact_resume(const BatcherOptions& options) {
  auto reference = make(options);
  reference->seek({3, 0});
  const auto epoch3 = drain(*reference);
  ASSERT_GT(epoch3.size(), 4u);
  for (size_t k : {size_t{0}, size_t{1}, epoch3.size() / 2, epoch3.size() - 1}) {
    auto resumed = make(options);
    resumed->seek({3, static_cast<int64_t>(k)});
    EXPECT_EQ(resumed->position().batches_done, static_cast<int64_t>(k));
    auto batch = resumed->next();
    ASSERT_TRUE(batch);
    EXPECT_TRUE(same_batch(*batch, epoch3[k])) << "batch " << k;
    // And the rest of the epoch follows identically.
    const auto rest = drain(*resumed);
    ASSERT_EQ(rest.size(), epoch3.size() - k - 1);
    for (size_t i = 0; i < rest.size(); ++i) {
      EXPECT_TRUE(same_batch(rest[i], epoch3[k + 1 + i])) << "batch " << k + 1 + i;
    }
  }
  // Seeking backwards in the same object works too.
  reference->seek({3, 2});
  EXPECT_TRUE(same_batch(*reference->next(), epoch3[2]));
}

TEST(TokenBatcher, SeekReproducesAFreshRunInMemory) { expect_exact_resume(small_budget()); }

TEST(TokenBatcher, SeekReproducesAFreshRunWhenStreaming) {
  auto options = small_budget();
  options.shuffle_buffer = 700;
  expect_exact_resume(options);
}

TEST(TokenBatcher, StreamingCoversEveryPairOnceWithBoundedWindows) {
  auto options = small_budget();
  options.shuffle_buffer = 700;  // 3000 pairs: windows of 700, 700, 700, 700, 200
  auto streaming = make(options);
  EXPECT_FALSE(streaming->in_memory());
  EXPECT_FALSE(streaming->stats_complete());
  auto in_memory = make(small_budget());
  for (int64_t epoch = 1; epoch <= 2; ++epoch) {
    streaming->seek({epoch, 0});
    const auto batches = drain(*streaming);
    EXPECT_TRUE(streaming->stats_complete());
    expect_each_kept_pair_once(batches, *streaming);
    for (const auto& b : batches) {
      // Bucketing happens within a window, so a batch never mixes pairs of two windows.
      const int64_t window = b.ids.front() / 700;
      for (int64_t id : b.ids) EXPECT_EQ(id / 700, window);
    }
  }
  EXPECT_EQ(streaming->stats().pairs_kept, in_memory->stats().pairs_kept);
  EXPECT_EQ(streaming->stats().src_tokens, in_memory->stats().src_tokens);
}

TEST(TokenBatcher, ShardsAreDisjointEqualAndCoverTheEpoch) {
  for (int64_t shuffle_buffer : {int64_t{1000000}, int64_t{700}}) {
    std::map<int64_t, int> all;
    std::set<size_t> batch_counts;
    for (int64_t rank = 0; rank < 3; ++rank) {
      auto options = small_budget();
      options.shuffle_buffer = shuffle_buffer;
      options.rank = rank;
      options.world_size = 3;
      auto shard = make(options);
      shard->seek({2, 0});
      const auto batches = drain(*shard);
      batch_counts.insert(batches.size());
      for (const auto& [id, n] : id_counts(batches)) all[id] += n;
    }
    EXPECT_EQ(batch_counts.size(), 1u) << "ranks must get equal batch counts";
    EXPECT_EQ(all.size(), 3000u);
    for (const auto& [id, n] : all) EXPECT_EQ(n, 1) << "pair " << id;
  }
}

TEST(TokenBatcher, LengthAndEmptyFiltersAreCounted) {
  const auto tok = shared_tokenizer();
  auto pairs = synthetic_pairs(400, 12, 21);
  std::string long_side;
  for (int i = 0; i < 40; ++i) long_side += "children play in water ";
  pairs.push_back({long_side + ".", "Kinder ."});  // too long (and bad ratio: too long wins)
  pairs.push_back({"a dog .", long_side + "."});   // too long on the target side
  pairs.push_back({"a .", "ein großes rotes Auto nahe dem Haus ."});  // ratio
  pairs.push_back({"", "leer ."});                                    // empty source
  pairs.push_back({"two girls .", "   "});                            // blank target
  const auto files = write_corpus("filters", pairs);
  BatcherOptions options;
  options.max_length = 60;
  options.max_length_ratio = 3.0;
  // Expected counts from the tokenizer itself.
  int64_t too_long = 0, bad_ratio = 0, kept = 0;
  for (size_t i = 0; i + 2 < pairs.size(); ++i) {
    const auto s = tok->encode(pairs[i].first).size(), t = tok->encode(pairs[i].second).size();
    if (s > 60 || t > 60)
      ++too_long;
    else if (std::max(s, t) > 3 * std::min(s, t))
      ++bad_ratio;
    else
      ++kept;
  }
  ASSERT_GE(too_long, 2);
  ASSERT_GE(bad_ratio, 1);
  TokenBatcher batcher(files.first, files.second, tok, tok, options);
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.pairs_read, static_cast<int64_t>(pairs.size()));
  EXPECT_EQ(stats.empty, 2);
  EXPECT_EQ(stats.too_long, too_long);
  EXPECT_EQ(stats.bad_ratio, bad_ratio);
  EXPECT_EQ(stats.pairs_kept, kept);
  EXPECT_EQ(stats.dropped() + stats.pairs_kept, stats.pairs_read);
  EXPECT_NE(stats.summary().find("too long"), std::string::npos);
  expect_each_kept_pair_once(drain(batcher), batcher);
}

TEST(TokenBatcher, FixedOrderKeepsEveryLine) {
  auto pairs = synthetic_pairs(500, 30, 8);
  pairs[17] = {"", ""};
  const auto files = write_corpus("valid", pairs);
  const auto options = fixed_order_options(300);
  TokenBatcher a(files.first, files.second, shared_tokenizer(), shared_tokenizer(), options);
  const auto first = drain(a);
  a.seek({2, 0});
  const auto second = drain(a);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(same_batch(first[i], second[i]));
  const auto counts = id_counts(first);
  EXPECT_EQ(counts.size(), 500u);
  EXPECT_EQ(counts.count(17), 1u) << "an empty line is still a row (EOS only)";
  // Length order: widths never decrease from batch to batch.
  for (size_t i = 1; i < first.size(); ++i)
    EXPECT_GE(std::max(first[i].src.size(1), first[i].tgt_in.size(1)),
              std::max(first[i - 1].src.size(1), first[i - 1].tgt_in.size(1)) - 1);
}

TEST(TokenBatcher, SubwordSamplingIsPerEpochAndReproducible) {
  auto options = small_budget();
  options.sampling_alpha = 0.1;
  auto a = make(options), b = make(options);
  const auto a1 = drain(*a), b1 = drain(*b);
  ASSERT_EQ(a1.size(), b1.size());
  for (size_t i = 0; i < a1.size(); ++i) ASSERT_TRUE(same_batch(a1[i], b1[i])) << "batch " << i;
  expect_each_kept_pair_once(a1, *a);
  // Resume mid-epoch reproduces the sampled segmentations too.
  auto c = make(options);
  c->seek({1, 3});
  EXPECT_TRUE(same_batch(*c->next(), a1[3]));
  // Sampled rows still decode to the original text, and differ from the best segmentation.
  const auto tok = shared_tokenizer();
  const auto pairs = synthetic_pairs(3000, 30, 5);
  int resegmented = 0;
  for (const auto& batch : a1) {
    for (int64_t r = 0; r < batch.size(); ++r) {
      auto ids = row(batch.src, r);
      ids.resize(static_cast<size_t>(std::find(ids.begin(), ids.end(), nmt::kEosId) - ids.begin()));
      const auto& text = pairs[static_cast<size_t>(batch.ids[r])].first;
      ASSERT_EQ(tok->decode(ids), text);
      resegmented += ids.size() != tok->encode(text).size();
    }
  }
  EXPECT_GT(resegmented, 100);
}

TEST(TokenBatcher, PaddingEfficiencyIsReportedPerEpoch) {
  auto batcher = make(small_budget());
  int64_t real = 0, padded = 0;
  for (const auto& b : drain(*batcher)) {
    real += b.src_tokens + b.tgt_tokens;
    padded += b.size() * (b.src.size(1) + b.tgt_out.size(1));
  }
  const auto padding = batcher->padding();
  EXPECT_EQ(padding.real_tokens, real);
  EXPECT_EQ(padding.padded_tokens, padded);
  EXPECT_GT(padding.efficiency(), 0.8) << "length bucketing should keep padding low";
  batcher->seek({2, 0});
  EXPECT_EQ(batcher->padding().batches, 0) << "counts restart with the epoch";
}

TEST(TokenBatcher, BudgetBelowMaxLengthIsAConfigErrorNamingBothKeys) {
  auto options = small_budget();
  options.batch_tokens = 50;
  options.max_length = 50;
  try {
    make(options);
    FAIL() << "no exception";
  } catch (const nmt::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("data.batch_tokens"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("data.max_length"), std::string::npos) << e.what();
  }
}

TEST(TokenBatcher, ResumingPastTheEpochIsADataError) {
  auto batcher = make(small_budget());
  const auto n = static_cast<int64_t>(drain(*batcher).size());
  EXPECT_NO_THROW(batcher->seek({1, n}));
  EXPECT_FALSE(batcher->next());
  EXPECT_THROW(batcher->seek({1, n + 1}), nmt::DataError);
}

TEST(TokenBatcher, CorpusWithNoUsablePairsIsADataError) {
  const auto files = write_corpus("empty", {{"", "x"}, {"y", ""}});
  EXPECT_THROW(TokenBatcher(files.first, files.second, shared_tokenizer(), shared_tokenizer(),
                            BatcherOptions()),
               nmt::DataError);
}

}  // namespace
