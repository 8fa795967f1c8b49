// Axes for line charts: choosing a domain and "nice" tick values (1, 2 or 5 times a power of ten,
// Heckbert's rule), log-scale ticks, mapping values to pixels, and compact tick labels.
#pragma once

#include <string>
#include <vector>

namespace nmt::report {

// A domain, its tick values and how values map onto pixels along one axis.
struct Axis {
  double lo = 0.0;            // domain start (> 0 when log)
  double hi = 1.0;            // domain end (> lo)
  bool log = false;           // log10 scale
  std::vector<double> ticks;  // tick values inside [lo, hi], increasing
  double pixel_lo = 0.0;      // pixel coordinate of lo (for a y axis: the bottom, larger)
  double pixel_hi = 1.0;      // pixel coordinate of hi
  // Pixel coordinate of value (values outside the domain map outside [pixel_lo, pixel_hi]).
  double map(double value) const;
};

// A linear axis whose domain is [data_lo, data_hi] widened to the enclosing multiples of a nice
// tick spacing chosen for about `target` intervals. A zero-width range is widened around its value.
Axis linear_axis(double data_lo, double data_hi, int target = 5);

// A log10 axis for positive data: the domain widens to ticks at powers of ten when the data span
// enough decades for three of them, else at 1-2-5 multiples, else at every integer multiple, and
// falls back to linear nice ticks (still log-scaled) for a range narrower than that.
Axis log_axis(double data_lo, double data_hi, int target = 5);

// The nice spacing (1, 2 or 5 x 10^k) nearest to raw_spacing.
double nice_spacing(double raw_spacing);

// A short label for a tick: "0", "0.25", "12", "1.5k", "20k", "3M", "7e-4", "2.5e-5". `spacing`
// is the distance to the neighbouring tick and decides the decimals (pass the value itself for
// log ticks).
std::string format_tick(double value, double spacing);

}  // namespace nmt::report
