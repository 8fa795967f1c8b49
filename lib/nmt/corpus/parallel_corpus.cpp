#include "nmt/corpus/parallel_corpus.h"

#include <algorithm>

#include "nmt/text/utf8.h"
#include "nmt/util/error.h"

namespace nmt {
namespace {

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; });
}

std::string at(const LineReader& reader) {
  return "'" + reader.path() + "' line " + std::to_string(reader.line_number());
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

bool ParallelCorpus::check_utf8(const std::string& text, const LineReader& reader) {
  const size_t bad = find_invalid_utf8(text);
  if (bad == std::string::npos) return true;
  if (options_.skip_invalid_utf8) return false;
  throw DataError(at(reader) + ": invalid UTF-8 at byte " + std::to_string(bad + 1) +
                  " (set data.invalid_utf8=skip to drop such pairs)");
}

bool ParallelCorpus::read_pair(RawPair& pair) {
  if (tgt_) {
    const bool got_src = src_->next(pair.src);
    const bool got_tgt = tgt_->next(pair.tgt);
    if (got_src != got_tgt) {
      const LineReader& ended = got_src ? *tgt_ : *src_;
      const LineReader& longer = got_src ? *src_ : *tgt_;
      throw DataError("source and target differ in length: '" + ended.path() + "' ends after line " +
                      std::to_string(ended.line_number()) + " but '" + longer.path() + "' has a line " +
                      std::to_string(longer.line_number()));
    }
    if (!got_src) return false;
  } else {
    if (!src_->next(line_)) return false;
    const size_t tab = line_.find('\t');
    if (tab == std::string::npos || line_.find('\t', tab + 1) != std::string::npos) {
      const auto fields = std::count(line_.begin(), line_.end(), '\t') + 1;
      throw DataError(at(*src_) + ": expected 2 TAB-separated fields (source<TAB>target), found " +
                      std::to_string(fields));
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
    if (!check_utf8(pair.src, *src_) || !check_utf8(pair.tgt, tgt_ ? *tgt_ : *src_)) {
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
