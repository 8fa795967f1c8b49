#include "nmt/metrics/translation_edit_rate.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace nmt::metrics {
namespace {

// Tercom's limits, and sacreBLEU's own (lib_ter.py).
constexpr std::size_t kMaxShiftSize = 10;
constexpr long kMaxShiftDist = 50;
constexpr long kBeamWidth = 25;
constexpr std::size_t kMaxCacheSize = 10000;
constexpr int kMaxShiftCandidates = 1000;
constexpr std::int64_t kInfinity = 10000000000000000;  // int(1e16)

// Edit operations, as sacreBLEU's trace characters.
constexpr char kIns = 'i', kDel = 'd', kNop = ' ', kSub = 's', kUndef = 'x';

struct Cell {
  std::int64_t cost;
  char op;
};
using Row = std::vector<Cell>;
using Words = std::vector<int>;  // words interned as ids: equality is all the algorithm needs

// sacreBLEU's BeamEditDistance: Levenshtein distance to a fixed reference, in a diagonal beam,
// with the rows of already seen hypothesis prefixes cached in a trie. Every hypothesis scored
// by one instance has the same length (shifts keep it), so a cached row is exactly the row a
// fresh computation would produce: the cache changes speed, never results.
class BeamEditDistance {
 public:
  explicit BeamEditDistance(const Words& ref)
      : ref_(ref), empty_row_(ref.size() + 1, Cell{kInfinity, kUndef}) {
    initial_row_.reserve(ref.size() + 1);
    for (std::size_t j = 0; j <= ref.size(); ++j)
      initial_row_.push_back({static_cast<std::int64_t>(j), kIns});
    nodes_.emplace_back();  // the trie's root: the empty prefix
  }

  // The distance from `hyp` to the reference and the trace of operations (hyp -> ref).
  std::pair<std::int64_t, std::string> operator()(const Words& hyp) {
    // Rows 0..start come from the cache (row 0 is the initial row).
    std::vector<const Row*> cached{&initial_row_};
    std::size_t node = 0;
    for (int word : hyp) {
      auto it = nodes_[node].children.find(word);
      if (it == nodes_[node].children.end()) break;
      node = it->second;
      cached.push_back(&nodes_[node].row);
    }
    const std::size_t start = cached.size() - 1;
    const std::size_t n_h = hyp.size(), n_r = ref_.size();
    std::vector<Row> fresh(n_h - start, empty_row_);  // rows start+1..n_h
    const auto row = [&](std::size_t i) -> const Row& {
      return i <= start ? *cached[i] : fresh[i - start - 1];
    };

    const double length_ratio = n_h ? static_cast<double>(n_r) / static_cast<double>(n_h) : 1.0;
    // In very unequal lengths the beam would not overlap the previous row: widen it.
    long beam_width = kBeamWidth;
    if (static_cast<double>(kBeamWidth) < length_ratio / 2) {
      beam_width = static_cast<long>(std::ceil(length_ratio / 2 + static_cast<double>(kBeamWidth)));
    }
    for (std::size_t i = start + 1; i <= n_h; ++i) {
      Row& cur = fresh[i - start - 1];
      const Row& prev = row(i - 1);
      const auto pseudo_diag = static_cast<long>(std::floor(static_cast<double>(i) * length_ratio));
      const long min_j = std::max(0L, pseudo_diag - beam_width);
      long max_j = std::min(static_cast<long>(n_r) + 1, pseudo_diag + beam_width);
      if (i == n_h) max_j = static_cast<long>(n_r) + 1;  // the last row is computed in full
      for (long jj = min_j; jj < max_j; ++jj) {
        const auto j = static_cast<std::size_t>(jj);
        if (j == 0) {
          cur[0] = {prev[0].cost + 1, kDel};
          continue;
        }
        const bool same = hyp[i - 1] == ref_[j - 1];
        // Tercom prefers no-op/substitution, then insertion, then deletion; sacreBLEU reads the
        // alignment from the flipped trace, hence deletion before insertion here.
        const Cell options[3] = {{prev[j - 1].cost + (same ? 0 : 1), same ? kNop : kSub},
                                 {prev[j].cost + 1, kDel},
                                 {cur[j - 1].cost + 1, kIns}};
        for (const Cell& c : options) {
          if (cur[j].cost > c.cost) cur[j] = c;
        }
      }
    }

    std::string trace;
    for (std::size_t i = n_h, j = n_r; i > 0 || j > 0;) {
      const char op = row(i)[j].op;
      trace.push_back(op);
      if (op == kSub || op == kNop) {
        --i, --j;
      } else if (op == kIns) {
        --j;
      } else if (op == kDel) {
        --i;
      } else {
        throw std::logic_error("TER: edit trace left the beam");
      }
    }
    std::reverse(trace.begin(), trace.end());
    const std::int64_t distance = row(n_h)[n_r].cost;
    add_to_cache(hyp, start, fresh);
    return {distance, std::move(trace)};
  }

 private:
  struct Node {
    std::unordered_map<int, std::size_t> children;
    Row row;
  };

  void add_to_cache(const Words& hyp, std::size_t start, std::vector<Row>& fresh) {
    if (cache_size_ >= kMaxCacheSize) return;
    std::size_t node = 0;
    for (std::size_t i = 0; i < start; ++i) node = nodes_[node].children.at(hyp[i]);
    for (std::size_t i = start; i < hyp.size(); ++i) {
      auto it = nodes_[node].children.find(hyp[i]);
      if (it == nodes_[node].children.end()) {
        nodes_.push_back(Node{{}, std::move(fresh[i - start])});
        it = nodes_[node].children.emplace(hyp[i], nodes_.size() - 1).first;
        ++cache_size_;
      }
      node = it->second;
    }
  }

  const Words& ref_;
  Row initial_row_;
  Row empty_row_;
  std::deque<Node> nodes_;  // a deque: rows stay put while the trie grows
  std::size_t cache_size_ = 0;
};

// Python's words[a:b] for 0 <= a, with b clamped to the length.
void append_slice(Words& out, const Words& words, std::size_t a, std::size_t b) {
  b = std::min(b, words.size());
  if (a < b)
    out.insert(out.end(), words.begin() + static_cast<long>(a),
               words.begin() + static_cast<long>(b));
}

// sacreBLEU's _perform_shift: move words[start:start+length] to before position `target`.
Words perform_shift(const Words& words, std::size_t start, std::size_t length, std::size_t target) {
  Words out;
  out.reserve(words.size());
  if (target < start) {
    append_slice(out, words, 0, target);
    append_slice(out, words, start, start + length);
    append_slice(out, words, target, start);
    append_slice(out, words, start + length, words.size());
  } else if (target > start + length) {
    append_slice(out, words, 0, start);
    append_slice(out, words, start + length, target);
    append_slice(out, words, start, start + length);
    append_slice(out, words, target, words.size());
  } else {  // a target inside the block itself, kept exactly as sacreBLEU writes it
    append_slice(out, words, 0, start);
    append_slice(out, words, start + length, length + target);
    append_slice(out, words, start, start + length);
    append_slice(out, words, length + target, words.size());
  }
  return out;
}

struct Shift {
  std::int64_t delta = 0;  // reduction of the edit distance
  Words words;             // the shifted hypothesis
};

// sacreBLEU's _shift: the best single shift of `hyp` (delta 0 and hyp itself when none).
Shift best_shift(const Words& hyp, const Words& ref, BeamEditDistance& distance, int& checked) {
  const auto [pre_score, inv_trace] = distance(hyp);
  // The alignment is read with the roles swapped (reference rewritten into hypothesis), so
  // insertions and deletions trade places. align[r] = hypothesis position of reference word r.
  std::vector<long> align(ref.size(), -1);
  std::vector<int> hyp_err, ref_err;
  long pos_h = -1, pos_r = -1;
  for (char op : inv_trace) {
    if (op == kNop || op == kSub) {
      ++pos_h, ++pos_r;
      align[static_cast<std::size_t>(pos_r)] = pos_h;
      hyp_err.push_back(op == kSub);
      ref_err.push_back(op == kSub);
    } else if (op == kDel) {  // flipped: an insertion, the hypothesis word is extra
      ++pos_h;
      hyp_err.push_back(1);
    } else {  // kIns flipped: a deletion, the reference word is missing
      ++pos_r;
      align[static_cast<std::size_t>(pos_r)] = pos_h;
      ref_err.push_back(1);
    }
  }

  bool have_best = false;
  std::int64_t best_delta = 0;
  std::size_t best_length = 0, best_start = 0, best_idx = 0;
  Words best_words;
  const auto sum = [](const std::vector<int>& v, std::size_t a, std::size_t b) {
    int s = 0;
    for (std::size_t k = a; k < std::min(b, v.size()); ++k) s += v[k];
    return s;
  };
  // sacreBLEU's _find_shifted_pairs, inlined: every matching block (start_h, start_r, length).
  for (std::size_t start_h = 0; start_h < hyp.size(); ++start_h) {
    for (std::size_t start_r = 0; start_r < ref.size(); ++start_r) {
      if (std::labs(static_cast<long>(start_r) - static_cast<long>(start_h)) > kMaxShiftDist)
        continue;
      for (std::size_t length = 1; length <= kMaxShiftSize; ++length) {
        if (hyp[start_h + length - 1] != ref[start_r + length - 1]) break;
        // Shift only a block that is wrong where it is, to where the reference is not matched.
        const bool worth_it = sum(hyp_err, start_h, start_h + length) != 0 &&
                              sum(ref_err, start_r, start_r + length) != 0 &&
                              !(static_cast<long>(start_h) <= align[start_r] &&
                                align[start_r] < static_cast<long>(start_h + length));
        if (worth_it) {
          long prev_idx = -1;
          for (long offset = -1; offset < static_cast<long>(length); ++offset) {
            const long r = static_cast<long>(start_r) + offset;
            if (r >= static_cast<long>(ref.size())) break;  // aims past the reference
            // Unlike Tercom, which inserts after the index, sacreBLEU inserts before it.
            const long idx = r == -1 ? 0 : align[static_cast<std::size_t>(r)] + 1;
            if (idx == prev_idx) continue;
            prev_idx = idx;
            Words shifted = perform_shift(hyp, start_h, length, static_cast<std::size_t>(idx));
            const std::int64_t delta = pre_score - distance(shifted).first;
            ++checked;
            // Tercom's ranking: bigger gain, then longer block, then earlier block, then
            // earlier target (sacreBLEU's tuple comparison; equal keys mean an equal shift).
            const auto key = std::make_tuple(delta, length, -static_cast<long>(start_h), -idx);
            if (!have_best ||
                key > std::make_tuple(best_delta, best_length, -static_cast<long>(best_start),
                                      -static_cast<long>(best_idx))) {
              have_best = true;
              best_delta = delta, best_length = length, best_start = start_h;
              best_idx = static_cast<std::size_t>(idx);
              best_words = std::move(shifted);
            }
          }
          if (checked >= kMaxShiftCandidates)
            return have_best ? Shift{best_delta, best_words} : Shift{0, hyp};
        }
        if (start_h + length == hyp.size() || start_r + length == ref.size()) break;
      }
    }
  }
  return have_best ? Shift{best_delta, std::move(best_words)} : Shift{0, hyp};
}

}  // namespace

EditCount translation_edit_rate(const std::vector<std::string>& hyp_words,
                                const std::vector<std::string>& ref_words) {
  if (ref_words.empty()) return {static_cast<std::int64_t>(hyp_words.size()), 0};
  std::unordered_map<std::string, int> ids;
  const auto intern = [&](const std::vector<std::string>& words) {
    Words out;
    for (const auto& w : words)
      out.push_back(ids.emplace(w, static_cast<int>(ids.size())).first->second);
    return out;
  };
  const Words ref = intern(ref_words);
  Words hyp = intern(hyp_words);

  BeamEditDistance distance(ref);
  std::int64_t shifts = 0;
  int checked = 0;
  while (true) {
    Shift shift = best_shift(hyp, ref, distance, checked);
    // As sacreBLEU: once the candidate budget is spent the last found shift is not applied.
    if (checked >= kMaxShiftCandidates || shift.delta <= 0) break;
    ++shifts;
    hyp = std::move(shift.words);
  }
  return {shifts + distance(hyp).first, static_cast<std::int64_t>(ref.size())};
}

}  // namespace nmt::metrics
