#include "nmt/report/axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace nmt::report {
namespace {

// Ticks k*spacing in [lo, hi], computed from integers so 0.1*3 prints as 0.3, not
// 0.30000000000000004.
std::vector<double> multiples(double lo, double hi, double spacing) {
  std::vector<double> ticks;
  const auto first = static_cast<long long>(std::ceil(lo / spacing - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / spacing + 1e-9));
  for (long long k = first; k <= last; ++k) ticks.push_back(static_cast<double>(k) * spacing);
  return ticks;
}

// Candidate log ticks between powers of ten: level 0 = {1}, 1 = {1, 2, 5}, 2 = {1, ..., 9}.
std::vector<double> log_candidates(int level, int exp_lo, int exp_hi) {
  static const std::vector<std::vector<int>> mantissas = {
      {1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  std::vector<double> out;
  for (int e = exp_lo; e <= exp_hi; ++e)
    for (int m : mantissas[level]) out.push_back(m * std::pow(10.0, e));
  return out;
}

}  // namespace

double Axis::map(double value) const {
  double f;
  if (log)
    f = (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  else
    f = (value - lo) / (hi - lo);
  return pixel_lo + f * (pixel_hi - pixel_lo);
}

double nice_spacing(double raw) {
  if (!(raw > 0.0) || !std::isfinite(raw)) return 1.0;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / p;
  const double nice = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
  return nice * p;
}

Axis linear_axis(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw std::invalid_argument("linear_axis: non-finite range");
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = lo == 0.0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (lo < 0.0 && lo + pad >= 0.0) lo = 0.0;  // keep a non-negative quantity non-negative
  }
  const double spacing = nice_spacing((hi - lo) / std::max(1, target));
  Axis axis;
  axis.lo = std::floor(lo / spacing + 1e-9) * spacing;
  axis.hi = std::ceil(hi / spacing - 1e-9) * spacing;
  axis.ticks = multiples(axis.lo, axis.hi, spacing);
  return axis;
}

Axis log_axis(double lo, double hi, int target) {
  if (!(lo > 0.0) || !(hi > 0.0) || !std::isfinite(lo) || !std::isfinite(hi))
    throw std::invalid_argument("log_axis: needs a positive finite range");
  if (lo > hi) std::swap(lo, hi);
  const int exp_lo = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int exp_hi = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  for (int level = 0; level < 3; ++level) {
    const auto cand = log_candidates(level, exp_lo - 1, exp_hi + 1);
    // Widen to the last candidate <= lo and the first candidate >= hi.
    double dlo = cand.front(), dhi = cand.back();
    for (double c : cand)
      if (c <= lo * (1 + 1e-9)) dlo = c;
    for (auto it = cand.rbegin(); it != cand.rend(); ++it)
      if (*it >= hi * (1 - 1e-9)) dhi = *it;
    std::vector<double> ticks;
    for (double c : cand)
      if (c >= dlo * (1 - 1e-9) && c <= dhi * (1 + 1e-9)) ticks.push_back(c);
    if (ticks.size() < 3 || dhi <= dlo) continue;
    // Many decades: keep every k-th so labels stay readable.
    const size_t max_ticks = static_cast<size_t>(std::max(3, 2 * target));
    if (ticks.size() > max_ticks) {
      const size_t stride = (ticks.size() + max_ticks - 1) / max_ticks;
      std::vector<double> thin;
      for (size_t i = 0; i < ticks.size(); i += stride) thin.push_back(ticks[i]);
      ticks = thin;
    }
    Axis axis;
    axis.log = true;
    axis.lo = dlo;
    axis.hi = dhi;
    axis.ticks = ticks;
    return axis;
  }
  // Less than a unit step between mantissas: linear ticks on a log scale.
  Axis axis = linear_axis(lo, hi, target);
  if (axis.lo <= 0.0) {  // widening must not reach zero on a log scale
    axis.lo = lo;
    axis.ticks.erase(
        std::remove_if(axis.ticks.begin(), axis.ticks.end(), [&](double t) { return t < lo; }),
        axis.ticks.end());
  }
  axis.log = true;
  return axis;
}

std::string format_tick(double value, double spacing) {
  spacing = std::fabs(spacing);
  if (std::fabs(value) < spacing * 1e-9) value = 0.0;  // -1e-17 from accumulated steps is 0
  const double mag = std::fabs(value);
  char buf[64];
  // Decimals needed to tell ticks `spacing` apart (0.25 -> 2, 5 -> 0).
  const auto decimals_for = [](double s) {
    int d = 0;
    while (d < 12 && std::fabs(s * std::pow(10.0, d) - std::round(s * std::pow(10.0, d))) >
                         1e-6 * std::pow(10.0, d) * s)
      ++d;
    return d;
  };
  if (value == 0.0) {
    std::snprintf(buf, sizeof buf, "%.*f", spacing < 1e-3 ? 0 : std::min(6, decimals_for(spacing)),
                  0.0);
    return buf;
  }
  if (mag >= 1e4 || spacing >= 1e3) {  // 5k, 10k, 15k rather than 5000, 10k
    const double unit = std::max(mag, spacing) >= 1e9   ? 1e9
                        : std::max(mag, spacing) >= 1e6 ? 1e6
                                                        : 1e3;
    const char* suffix = unit == 1e9 ? "G" : unit == 1e6 ? "M" : "k";
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals_for(spacing / unit), value / unit, suffix);
    return buf;
  }
  if (spacing < 1e-3) {  // one notation per axis: 5e-4, 1.0e-3, 1.5e-3
    // Mantissa digits from the spacing relative to the value's power of ten.
    const double p = std::pow(10.0, std::floor(std::log10(mag)));
    std::snprintf(buf, sizeof buf, "%.*fe%d", std::min(3, decimals_for(spacing / p)), value / p,
                  static_cast<int>(std::lround(std::log10(p))));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.*f", decimals_for(spacing), value);
  return buf;
}

}  // namespace nmt::report
