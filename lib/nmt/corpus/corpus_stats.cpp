#include "nmt/corpus/corpus_stats.h"

#include <cstdio>

namespace nmt {

std::string CorpusStats::summary() const {
  const double kept_pct =
      pairs_read ? 100.0 * static_cast<double>(pairs_kept) / static_cast<double>(pairs_read) : 0.0;
  const double kept = pairs_kept ? static_cast<double>(pairs_kept) : 1.0;
  char text[320];
  std::snprintf(
      text, sizeof text,
      "%lld pairs read, %lld kept (%.2f%%); dropped: %lld empty, %lld too long, %lld over the "
      "length ratio, %lld invalid UTF-8; average %.1f source / %.1f target pieces",
      static_cast<long long>(pairs_read), static_cast<long long>(pairs_kept), kept_pct,
      static_cast<long long>(empty), static_cast<long long>(too_long),
      static_cast<long long>(bad_ratio), static_cast<long long>(invalid_utf8),
      static_cast<double>(src_tokens) / kept, static_cast<double>(tgt_tokens) / kept);
  return text;
}

CorpusStats& CorpusStats::operator+=(const CorpusStats& o) {
  pairs_read += o.pairs_read;
  pairs_kept += o.pairs_kept;
  empty += o.empty;
  too_long += o.too_long;
  bad_ratio += o.bad_ratio;
  invalid_utf8 += o.invalid_utf8;
  src_tokens += o.src_tokens;
  tgt_tokens += o.tgt_tokens;
  return *this;
}

}  // namespace nmt
