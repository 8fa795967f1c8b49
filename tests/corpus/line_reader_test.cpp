// LineReader: plain and gzip give the same lines; detection by content; errors name the file.
#include <gtest/gtest.h>

#include <regex>

#include "nmt/corpus/line_reader.h"
#include "nmt/util/error.h"
#include "support/gzip_file.h"
#include "support/run_command.h"

namespace {

using nmt::LineReader;
using nmt::test::TempDir;

std::vector<std::string> all_lines(LineReader& reader) {
  std::vector<std::string> lines;
  std::string line;
  while (reader.next(line)) lines.push_back(line);
  return lines;
}

TEST(LineReader, PlainAndGzipGiveTheSameLines) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50000; ++i)
    text += "line " + std::to_string(i) + " with some text, Mädchen\n";
  text += "\n\nlast line without newline";
  nmt::test::write_file(dir / "plain.txt", text);
  nmt::test::write_gz(dir / "packed.gz", text);
  LineReader plain(dir / "plain.txt"), packed(dir / "packed.gz");
  EXPECT_FALSE(plain.compressed());
  EXPECT_TRUE(packed.compressed());
  const auto a = all_lines(plain), b = all_lines(packed);
  ASSERT_EQ(a.size(), 50003u);  // a buffer's worth is ~1 MiB: this crosses several refills
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[123], "line 123 with some text, Mädchen");
  EXPECT_EQ(a[50000], "");
  EXPECT_EQ(a.back(), "last line without newline");
  EXPECT_EQ(plain.line_number(), 50003);
}

TEST(LineReader, CompressionIsDetectedFromContentNotName) {
  TempDir dir;
  nmt::test::write_gz(dir / "looks-plain.txt", "a\nb\n");
  nmt::test::write_file(dir / "looks-packed.gz", "c\nd\n");
  LineReader gz(dir / "looks-plain.txt"), plain(dir / "looks-packed.gz");
  EXPECT_TRUE(gz.compressed());
  EXPECT_FALSE(plain.compressed());
  EXPECT_EQ(all_lines(gz), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(all_lines(plain), (std::vector<std::string>{"c", "d"}));
}

TEST(LineReader, ConcatenatedGzipMembersAreReadThrough) {
  TempDir dir;
  nmt::test::write_gz(dir / "a.gz", "one\ntwo\n");
  nmt::test::write_gz(dir / "b.gz", "three\n");
  nmt::test::write_file(dir / "ab.gz",
                        nmt::test::read_file(dir / "a.gz") + nmt::test::read_file(dir / "b.gz"));
  LineReader reader(dir / "ab.gz");
  EXPECT_EQ(all_lines(reader), (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LineReader, StripsCarriageReturnAndByteOrderMark) {
  TempDir dir;
  nmt::test::write_file(dir / "win.txt", "\xEF\xBB\xBFhello\r\nworld\r\n");
  LineReader reader(dir / "win.txt");
  EXPECT_EQ(all_lines(reader), (std::vector<std::string>{"hello", "world"}));
}

TEST(LineReader, EmptyFileHasNoLinesAndRewindStartsOver) {
  TempDir dir;
  nmt::test::write_file(dir / "empty", "");
  LineReader empty(dir / "empty");
  std::string line;
  EXPECT_FALSE(empty.next(line));
  nmt::test::write_gz(dir / "x.gz", "1\n2\n");
  LineReader reader(dir / "x.gz");
  all_lines(reader);
  reader.rewind();
  EXPECT_EQ(reader.line_number(), 0);
  EXPECT_EQ(all_lines(reader), (std::vector<std::string>{"1", "2"}));
}

TEST(LineReader, MissingFileAndDirectoryAreDataErrorsNamingThePath) {
  TempDir dir;
  for (const std::string& path : {dir / "no-such-file.en", dir.path}) {
    try {
      LineReader reader(path);
      FAIL() << "no exception for " << path;
    } catch (const nmt::DataError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(LineReader, TruncatedGzipIsADataErrorNamingFileAndLine) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "sentence number " + std::to_string(i * 7919 % 100003) + "\n";
  nmt::test::write_gz(dir / "full.gz", text);
  const std::string bytes = nmt::test::read_file(dir / "full.gz");
  nmt::test::write_file(dir / "cut.gz", bytes.substr(0, bytes.size() / 2));
  LineReader reader(dir / "cut.gz");
  try {
    all_lines(reader);
    FAIL() << "no exception";
  } catch (const nmt::DataError& e) {
    // FILE:LINE: with the line being read when the data ran out (util/error_location.h).
    const std::string what = e.what();
    const std::string prefix = dir / "cut.gz" + ":";
    ASSERT_EQ(what.compare(0, prefix.size(), prefix), 0) << what;
    EXPECT_TRUE(std::regex_match(what.substr(prefix.size()),
                                 std::regex("[0-9]+: corrupt or truncated gzip data \\(.*\\)")))
        << what;
  }
}

}  // namespace
