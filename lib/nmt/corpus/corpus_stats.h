// Counts a data pipeline reports: what was read, what was dropped and why (CorpusStats), and how
// much of each batch is real tokens rather than padding (PaddingStats).
#pragma once

#include <cstdint>
#include <string>

namespace nmt {

struct CorpusStats {
  int64_t pairs_read = 0;    // lines (pairs) read, whatever happened to them
  int64_t pairs_kept = 0;    // pairs that passed every filter and are batched
  int64_t empty = 0;         // dropped: a side empty or only whitespace (or no pieces)
  int64_t too_long = 0;      // dropped: a side longer than max_length pieces
  int64_t bad_ratio = 0;     // dropped: longer side / shorter side above max_length_ratio
  int64_t invalid_utf8 = 0;  // dropped: invalid UTF-8 (data.invalid_utf8 = skip)
  int64_t src_tokens = 0;    // pieces of the kept sources (EOS not counted)
  int64_t tgt_tokens = 0;    // pieces of the kept targets

  int64_t dropped() const { return empty + too_long + bad_ratio + invalid_utf8; }
  // "29000 pairs read, 28988 kept (99.96%); dropped: 0 empty, 9 too long, 3 ratio, 0 invalid UTF-8;
  //  avg 14.2 / 15.1 pieces"
  std::string summary() const;
  CorpusStats& operator+=(const CorpusStats& other);
};

// Real tokens / padded tokens over a run of batches. Both sides count: a batch of B rows with
// source width S and target width T holds B*S + B*T padded tokens.
struct PaddingStats {
  int64_t batches = 0;
  int64_t real_tokens = 0;    // non-pad source tokens + non-pad target tokens (tgt_out)
  int64_t padded_tokens = 0;  // B*S + B*T summed over batches

  void add(int64_t rows, int64_t src_width, int64_t tgt_width, int64_t src_real, int64_t tgt_real) {
    ++batches;
    real_tokens += src_real + tgt_real;
    padded_tokens += rows * (src_width + tgt_width);
  }
  // 1.0 = no padding at all; 0 when nothing was batched yet.
  double efficiency() const {
    return padded_tokens == 0
               ? 0.0
               : static_cast<double>(real_tokens) / static_cast<double>(padded_tokens);
  }
};

}  // namespace nmt
