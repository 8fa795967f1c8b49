// sacreBLEU's reproducibility signature, e.g.
//   nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0
// `|`-separated `key:value` fields: nrefs first, the metric's own fields next, version last.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nmt::metrics {

// The sacreBLEU release whose metric definitions nmt reproduces, written into every signature
// as `version:...`. It names the *definitions* (tokenizers, smoothing, chrF, TER as sacreBLEU
// 2.4.0 computes them; they are unchanged across 2.x), so an nmt signature can be compared
// with a sacreBLEU 2.4.0 one field by field. Change it only together with the definitions.
inline constexpr const char* kSacrebleuVersion = "2.4.0";

class Signature {
 public:
  explicit Signature(std::string nrefs);
  // Appends a metric field, keeping insertion order.
  Signature& add(const std::string& key, const std::string& value);
  // "nrefs:N|key:value|...|version:2.4.0".
  std::string format() const;
  // All fields in output order, version included.
  std::vector<std::pair<std::string, std::string>> fields() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// sacreBLEU writes booleans as "yes"/"no".
inline std::string yes_no(bool value) { return value ? "yes" : "no"; }

}  // namespace nmt::metrics
