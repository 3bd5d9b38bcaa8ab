// Time in the runtime: microseconds of a monotonic clock, as a plain integer.
//
// Nothing in runtime/ reads a system clock; the Loop seam (loop.h) is the only
// source of "now". In the simulator it is virtual time starting at 0; in
// production it is CLOCK_MONOTONIC.
#pragma once

#include <cstdint>

namespace ss {

// Microseconds of a monotonic clock. Signed so that differences are natural.
using Micros = std::int64_t;

inline constexpr Micros kMicrosPerMilli = 1000;
inline constexpr Micros kMicrosPerSecond = 1000 * 1000;

constexpr Micros millis(std::int64_t ms) { return ms * kMicrosPerMilli; }
constexpr Micros seconds(std::int64_t s) { return s * kMicrosPerSecond; }

}  // namespace ss
