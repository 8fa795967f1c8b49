#include "nmt/corpus/parallel_corpus.h"

#include <algorithm>

#include "nmt/util/error.h"
#include "nmt/util/error_location.h"
#include "nmt/util/line_counts.h"
#include "nmt/util/utf8.h"

namespace nmt {
namespace {

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  });
}

}  // namespace

ParallelCorpus::ParallelCorpus(const std::string& src_path, const std::string& tgt_path,
                               ParallelCorpusOptions options)
    : options_(options), src_(std::make_unique<LineReader>(src_path)) {
  if (!tgt_path.empty()) tgt_ = std::make_unique<LineReader>(tgt_path);
}

std::string ParallelCorpus::name() const {
  return tgt_ ? src_->path() + " + " + tgt_->path() : src_->path();
}

void ParallelCorpus::rewind() {
  src_->rewind();
  if (tgt_) tgt_->rewind();
  stats_ = CorpusStats();
}

bool ParallelCorpus::check_utf8(const std::string& text, const LineReader& reader, size_t offset) {
  const size_t bad = find_invalid_utf8(text);
  if (bad == std::string::npos) return true;
  if (options_.skip_invalid_utf8) return false;
  throw DataError(invalid_utf8_message(reader.path(), reader.line_number(), offset + bad) +
                  " (set data.invalid_utf8=skip to drop such pairs)");
}

bool ParallelCorpus::read_pair(RawPair& pair) {
  if (tgt_) {
    const bool got_src = src_->next(pair.src);
    const bool got_tgt = tgt_->next(pair.tgt);
    if (got_src != got_tgt) {
      const LineReader& ended = got_src ? *tgt_ : *src_;
      const LineReader& longer = got_src ? *src_ : *tgt_;
      check_line_counts({ended.path(), ended.line_number()},
                        {longer.path(), longer.line_number(), true});
    }
    if (!got_src) return false;
  } else {
    if (!src_->next(line_)) return false;
    const size_t tab = line_.find('\t');
    if (tab == std::string::npos || line_.find('\t', tab + 1) != std::string::npos) {
      const auto fields = std::count(line_.begin(), line_.end(), '\t') + 1;
      throw DataError(line_message(
          src_->path(), src_->line_number(),
          "expected 2 TAB-separated fields (source<TAB>target), found " + std::to_string(fields)));
    }
    pair.src.assign(line_, 0, tab);
    pair.tgt.assign(line_, tab + 1, std::string::npos);
  }
  pair.index = src_->line_number() - 1;
  return true;
}

bool ParallelCorpus::next(RawPair& pair) {
  while (read_pair(pair)) {
    ++stats_.pairs_read;
    // In a TSV line the target starts after the source and its TAB: byte offsets count from
    // the start of the line the user sees.
    const size_t tgt_offset = tgt_ ? 0 : pair.src.size() + 1;
    if (!check_utf8(pair.src, *src_) || !check_utf8(pair.tgt, tgt_ ? *tgt_ : *src_, tgt_offset)) {
      ++stats_.invalid_utf8;
      continue;
    }
    if (options_.skip_empty && (blank(pair.src) || blank(pair.tgt))) {
      ++stats_.empty;
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace nmt
