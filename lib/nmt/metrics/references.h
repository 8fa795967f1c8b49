// The references of a test set, as every metric receives them: refs[k][i] is line i of
// reference stream k (one stream per reference file), parallel to the hypotheses.
//
// sacreBLEU 2.x allows a variable number of references per segment: an empty string in a
// stream means "no reference from this stream for this segment" and is dropped. A segment
// left with no reference at all is an error (sacreBLEU raises "Empty or `None` reference
// sentence found."). The signature's `nrefs` is the per-segment count when it is the same
// for every segment, else "var".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nmt::metrics {

struct SegmentReferences {
  // segments[i] = the non-empty references of segment i, in stream order (pointers into the
  // caller's refs, which must outlive this object).
  std::vector<std::vector<const std::string*>> segments;
  // The signature's nrefs value: "1", "2", ... or "var".
  std::string nrefs;
};

// Checks the layout and drops empty references. Throws std::invalid_argument when there are
// no streams or no hypotheses, or a stream's length differs from num_hypotheses (naming the
// stream and both counts), and nmt::DataError naming the segment when all its references are
// empty.
SegmentReferences gather_references(std::size_t num_hypotheses,
                                    const std::vector<std::vector<std::string>>& refs);

}  // namespace nmt::metrics
