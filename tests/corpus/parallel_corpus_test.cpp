// ParallelCorpus: aligned reading from file pairs and TSV, and every validation error's message.
#include <gtest/gtest.h>

#include "nmt/corpus/parallel_corpus.h"
#include "nmt/util/error.h"
#include "support/gzip_file.h"
#include "support/run_command.h"

namespace {

using nmt::ParallelCorpus;
using nmt::RawPair;
using nmt::test::TempDir;
using nmt::test::write_file;

std::vector<RawPair> read_all(ParallelCorpus& corpus) {
  std::vector<RawPair> pairs;
  RawPair p;
  while (corpus.next(p)) pairs.push_back(p);
  return pairs;
}

// Runs `f`, expecting a DataError whose message contains every string in `parts`.
template <class F>
void expect_data_error(F f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no DataError";
  } catch (const nmt::DataError& e) {
    for (const auto& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
  }
}

TEST(ParallelCorpus, FilePairAndTsvGiveTheSamePairsWithIndices) {
  TempDir dir;
  write_file(dir / "a.en", "one\ntwo\nthree\n");
  nmt::test::write_gz(dir / "a.de.gz", "eins\nzwei\ndrei\n");
  write_file(dir / "a.tsv", "one\teins\ntwo\tzwei\nthree\tdrei\n");
  ParallelCorpus pair(dir / "a.en", dir / "a.de.gz");
  ParallelCorpus tsv(dir / "a.tsv", "");
  EXPECT_FALSE(pair.is_tsv());
  EXPECT_TRUE(tsv.is_tsv());
  const auto a = read_all(pair), b = read_all(tsv);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a[i].src, b[i].src);
    EXPECT_EQ(a[i].tgt, b[i].tgt);
    EXPECT_EQ(a[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(b[i].index, static_cast<int64_t>(i));
  }
  EXPECT_EQ(a[2].tgt, "drei");
  EXPECT_EQ(pair.stats().pairs_read, 3);
}

TEST(ParallelCorpus, MissingFileIsADataErrorNamingThePath) {
  TempDir dir;
  write_file(dir / "a.en", "x\n");
  expect_data_error([&] { ParallelCorpus c(dir / "a.en", dir / "missing.de"); },
                    {dir / "missing.de"});
  expect_data_error([&] { ParallelCorpus c(dir / "missing.en", dir / "a.en"); },
                    {dir / "missing.en"});
  expect_data_error([&] { ParallelCorpus c(dir / "missing.tsv", ""); }, {dir / "missing.tsv"});
}

TEST(ParallelCorpus, DifferentLineCountsNameBothFilesAndTheLine) {
  TempDir dir;
  write_file(dir / "long.en", "1\n2\n3\n4\n");
  write_file(dir / "short.de", "1\n2\n3\n");
  ParallelCorpus src_longer(dir / "long.en", dir / "short.de");
  const std::string message = "line counts differ: " + dir / "short.de" + " has 3 lines, " +
                              dir / "long.en" + " has at least 4 lines";
  expect_data_error([&] { read_all(src_longer); }, {message});
  ParallelCorpus tgt_longer(dir / "short.de", dir / "long.en");
  expect_data_error([&] { read_all(tgt_longer); }, {message});
}

TEST(ParallelCorpus, InvalidUtf8NamesFileAndLine) {
  TempDir dir;
  write_file(dir / "a.en", "ok\nok\nok\n");
  write_file(dir / "a.de",
             "gut\ngut\nschl\xFF"
             "cht\n");
  ParallelCorpus corpus(dir / "a.en", dir / "a.de");
  expect_data_error(
      [&] { read_all(corpus); },
      {dir / "a.de" +
       ":3: invalid UTF-8 at byte 5 (set data.invalid_utf8=skip to drop such pairs)"});
  write_file(dir / "bad.tsv", "a\tb\n\xC3\tc\n");
  ParallelCorpus tsv(dir / "bad.tsv", "");
  expect_data_error([&] { read_all(tsv); }, {dir / "bad.tsv" + ":2: invalid UTF-8 at byte 1"});
  // A bad target byte of a TSV line is counted from the start of the line, not of the field.
  write_file(dir / "bad_tgt.tsv", "ab\tc\xFF\n");
  ParallelCorpus tsv_tgt(dir / "bad_tgt.tsv", "");
  expect_data_error([&] { read_all(tsv_tgt); },
                    {dir / "bad_tgt.tsv" + ":1: invalid UTF-8 at byte 5"});
}

TEST(ParallelCorpus, SkipModeDropsAndCountsInvalidUtf8) {
  TempDir dir;
  write_file(dir / "a.en", "one\ntw\xC0o\nthree\nfour\n");
  write_file(dir / "a.de", "eins\nzwei\ndr\xED\xA0\x80i\nvier\n");
  nmt::ParallelCorpusOptions options;
  options.skip_invalid_utf8 = true;
  ParallelCorpus corpus(dir / "a.en", dir / "a.de", options);
  const auto pairs = read_all(corpus);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].index, 0);
  EXPECT_EQ(pairs[1].index, 3);
  EXPECT_EQ(corpus.stats().invalid_utf8, 2);
  EXPECT_EQ(corpus.stats().pairs_read, 4);
}

TEST(ParallelCorpus, EmptyAndBlankSidesAreDroppedAndCounted) {
  TempDir dir;
  write_file(dir / "a.en", "one\n\nthree\n   \nfive\n");
  write_file(dir / "a.de", "eins\nzwei\n\nvier\nfünf\n");
  ParallelCorpus corpus(dir / "a.en", dir / "a.de");
  const auto pairs = read_all(corpus);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1].index, 4);
  EXPECT_EQ(corpus.stats().empty, 3);
  nmt::ParallelCorpusOptions keep;
  keep.skip_empty = false;
  ParallelCorpus all(dir / "a.en", dir / "a.de", keep);
  EXPECT_EQ(read_all(all).size(), 5u);
  EXPECT_EQ(all.stats().empty, 0);
}

TEST(ParallelCorpus, TsvLineWithoutExactlyOneTabNamesFileAndLine) {
  TempDir dir;
  write_file(dir / "a.tsv", "a\tb\nno tab here\n");
  ParallelCorpus missing(dir / "a.tsv", "");
  expect_data_error(
      [&] { read_all(missing); },
      {dir / "a.tsv" + ":2: expected 2 TAB-separated fields (source<TAB>target), found 1"});
  write_file(dir / "b.tsv", "a\tb\tc\n");
  ParallelCorpus extra(dir / "b.tsv", "");
  expect_data_error(
      [&] { read_all(extra); },
      {dir / "b.tsv" + ":1: expected 2 TAB-separated fields (source<TAB>target), found 3"});
}

TEST(ParallelCorpus, RewindReadsAgainAndResetsCounts) {
  TempDir dir;
  write_file(dir / "a.tsv", "a\tb\n\tc\nd\te\n");
  ParallelCorpus corpus(dir / "a.tsv", "");
  EXPECT_EQ(read_all(corpus).size(), 2u);
  EXPECT_EQ(corpus.stats().empty, 1);
  corpus.rewind();
  EXPECT_EQ(corpus.stats().pairs_read, 0);
  EXPECT_EQ(read_all(corpus).size(), 2u);
  EXPECT_EQ(corpus.stats().pairs_read, 3);
}

}  // namespace
