// What every metric returns, and sacreBLEU's two ways of printing it.
//
//   text: "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0 = 34.1 65.2/40.1/..."
//         (sacreBLEU's `-f text`; without the signature: "BLEU = 34.12 65.2/40.1/...")
//   json: sacreBLEU's default output, json.dumps(..., indent=1): name, score rounded to the
//         width, signature, verbose_score (BLEU only), then each signature field.
// Numbers are rounded as Python's f"{x:.{w}f}" does (round half to even on the exact binary
// value; printf's %.*f does the same).
#pragma once

#include <string>

namespace nmt::metrics {

struct MetricScore {
  std::string name;       // "BLEU", "chrF2", "chrF2++" (word order 2), "TER"
  double score = 0.0;     // 0..100 for BLEU and chrF; TER is 0..100 for sane output, can exceed it
  std::string signature;  // "nrefs:1|...|version:2.4.0" (see signature.h)
  std::string verbose;    // BLEU's "65.2/40.1/27.3/19.0 (BP = ...)"; empty for chrF and TER

  // The text line: `width` decimals; "NAME|SIGNATURE = ..." when with_signature, else
  // "NAME = ..."; only the number when score_only.
  std::string format(int width = 2, bool with_signature = true, bool score_only = false) const;
  // The JSON object; indent=false gives one compact line (for JSON Lines).
  std::string to_json(int width = 2, bool indent = true) const;
};

// f"{value:.{width}f}".
std::string format_fixed(double value, int width);

// Python's repr() of a float (the shortest string that reads back as the same double, with
// ".0" for integral values and exponent notation below 1e-4 or from 1e16), as json.dumps
// writes floats.
std::string python_float_repr(double value);

// A JSON string literal as Python's json.dumps(..., ensure_ascii=False) writes it.
std::string json_string(const std::string& utf8);

}  // namespace nmt::metrics
