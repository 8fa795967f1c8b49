#include "nmt/metrics/references.h"

#include <set>
#include <stdexcept>

#include "nmt/util/error.h"

namespace nmt::metrics {

SegmentReferences gather_references(std::size_t num_hypotheses,
                                    const std::vector<std::vector<std::string>>& refs) {
  if (refs.empty()) throw std::invalid_argument("no reference streams given");
  if (num_hypotheses == 0) throw std::invalid_argument("no hypotheses given");
  for (std::size_t k = 0; k < refs.size(); ++k) {
    if (refs[k].size() != num_hypotheses) {
      throw std::invalid_argument("reference stream " + std::to_string(k + 1) + " has " +
                                  std::to_string(refs[k].size()) + " lines but there are " +
                                  std::to_string(num_hypotheses) + " hypotheses");
    }
  }
  SegmentReferences out;
  out.segments.resize(num_hypotheses);
  std::set<std::size_t> counts;
  for (std::size_t i = 0; i < num_hypotheses; ++i) {
    for (const auto& stream : refs) {
      if (!stream[i].empty()) out.segments[i].push_back(&stream[i]);
    }
    if (out.segments[i].empty()) {
      throw DataError(
          "segment " + std::to_string(i + 1) +
          ": every reference is empty (sacreBLEU 2.x rejects segments without a reference)");
    }
    counts.insert(out.segments[i].size());
  }
  out.nrefs = counts.size() == 1 ? std::to_string(*counts.begin()) : "var";
  return out;
}

}  // namespace nmt::metrics
