// Retry delay maths of docs/secure-streams.md §1.3, as pure functions (no Rng, no clock), so the
// stream engine, `ss-policy explain` and the property tests share one formula.
//
//   base  = backoff empty ? 3000 : backoff[min(try_index, size - 1)]
//   pc    = jitterpc ? jitterpc : 30
//   delay = base + ((base * pc * rand16) >> 16) / 100
//
// so every delay lies in [base, base * (1 + pc / 100)). The caller draws
// rand16 from its own seeded ss::Rng. A null retry policy (a streamtype with
// no `retry`) uses base 3000 and 30 % jitter, and is never concealed.
#pragma once

#include <cstdint>

#include "runtime/policy/policy.h"

namespace ss::policy {

inline constexpr std::uint32_t kDefaultBackoffMs = 3000;
inline constexpr std::uint8_t kDefaultJitterPercent = 30;

// Delay before retry number `try_index` (0-based); rand16 = 16 random bits.
// Saturates at UINT32_MAX instead of wrapping.
std::uint32_t retry_delay_ms(const RetryPolicy* retry, std::uint32_t try_index,
                             std::uint16_t rand16);

// Whether failure number `failures` (1-based count of consecutive failures)
// is still concealed (no ALL_RETRIES_FAILED yet): failures <= conceal, and
// always true for conceal 65535; always false without a retry policy.
bool retry_concealed(const RetryPolicy* retry, std::uint32_t failures);

// The base delay (no jitter) and the largest delay jitter can give for
// `try_index`, for explanations and tests.
std::uint32_t retry_base_ms(const RetryPolicy* retry, std::uint32_t try_index);
std::uint32_t retry_max_delay_ms(const RetryPolicy* retry, std::uint32_t try_index);

}  // namespace ss::policy
