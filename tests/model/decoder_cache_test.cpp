// The self-attention cache's buffers (model/decoder_cache.h): appending writes in place, the
// content always equals concatenating the steps, and reordering copies only the used positions
// while keeping the spare capacity.
#include <gtest/gtest.h>

#include "nmt/model/decoder_cache.h"
#include "nmt/model/seq2seq.h"

using namespace nmt;

TEST(DecoderCache, AppendingEqualsConcatenatingAndWritesInPlace) {
  torch::manual_seed(1);
  torch::Tensor cache, reference;
  const void* storage = nullptr;
  int64_t moves = 0;
  for (int step = 0; step < 40; ++step) {
    auto x = torch::randn({3, 2, step == 0 ? 2 : 1, 4});  // a 2-position prompt, then 1 per step
    reference = reference.defined() ? torch::cat({reference, x}, 2) : x;
    cache = append_positions(cache, x);
    ASSERT_TRUE(cache.equal(reference)) << step;
    EXPECT_GE(time_capacity(cache), cache.size(2));
    if (cache.data_ptr() != storage) ++moves;
    storage = cache.data_ptr();
  }
  // 41 positions: capacity 16 -> 32 -> 64, so the buffer moved three times, not 40.
  EXPECT_EQ(moves, 3);
  EXPECT_EQ(time_capacity(cache), 64);
  // Not a cache buffer: its own length.
  EXPECT_EQ(time_capacity(torch::randn({3, 2, 5, 4})), 5);
  EXPECT_EQ(time_capacity(torch::randn({3, 2, 5, 4}).transpose(1, 2)), 2);
}

TEST(DecoderCache, ReorderSelectsRowsAndKeepsCapacity) {
  torch::manual_seed(2);
  DecoderCache cache;
  torch::Tensor keys;
  for (int step = 0; step < 5; ++step) keys = append_positions(keys, torch::randn({4, 2, 1, 3}));
  const auto before = keys.clone();
  cache.tensors["decoder.0.self_keys"] = keys;
  cache.tensors["hidden"] = torch::randn({4, 6});  // a 2-d entry (rnn state) is reordered too
  const auto hidden = cache.tensors["hidden"].clone();
  EncoderOutput encoded;
  const auto idx = torch::tensor({3, 3, 0}, torch::kLong);
  reorder_cache_rows(cache, encoded, idx);
  const auto& got = cache.tensors["decoder.0.self_keys"];
  EXPECT_TRUE(got.equal(before.index_select(0, idx)));
  EXPECT_EQ(time_capacity(got), 16);
  EXPECT_TRUE(cache.tensors["hidden"].equal(hidden.index_select(0, idx)));
  // The next step appends in place into the reordered buffer.
  const void* storage = got.data_ptr();
  auto next = append_positions(got, torch::randn({3, 2, 1, 3}));
  EXPECT_EQ(next.data_ptr(), storage);
  EXPECT_TRUE(next.narrow(2, 0, 5).equal(before.index_select(0, idx)));
}
