#include "runtime/policy/retry.h"

#include "runtime/core/planted.h"

#include <algorithm>
#include <limits>

namespace ss::policy {

std::uint32_t retry_base_ms(const RetryPolicy* retry, std::uint32_t try_index) {
  if (!retry || retry->backoff_ms.empty()) return kDefaultBackoffMs;
  const std::size_t last = retry->backoff_ms.size() - 1;
  if (SS_PLANTED("retry-index-next")) ++try_index;  // planted: the table read one entry ahead
  if (SS_PLANTED("retry-last-default") && try_index > last) return kDefaultBackoffMs;  // planted: the last entry does not repeat
  return retry->backoff_ms[std::min<std::size_t>(try_index, last)];
}

std::uint32_t retry_delay_ms(const RetryPolicy* retry, std::uint32_t try_index,
                             std::uint16_t rand16) {
  const std::uint64_t base = retry_base_ms(retry, try_index);
  const std::uint64_t pc = retry ? retry->effective_jitter_percent() : kDefaultJitterPercent;
  // 64-bit: base (32) * pc (8) * rand16 (16) bits cannot overflow.
  // (planted: jitter over twice its range)
  const std::uint64_t delay = base + ((base * pc * rand16) >> (SS_PLANTED("retry-jitter-wide") ? 15 : 16)) / 100;
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(delay, std::numeric_limits<std::uint32_t>::max()));
}

std::uint32_t retry_max_delay_ms(const RetryPolicy* retry, std::uint32_t try_index) {
  return retry_delay_ms(retry, try_index, 0xffff);
}

bool retry_concealed(const RetryPolicy* retry, std::uint32_t failures) {
  if (!retry) return false;
  if (retry->conceal == RetryPolicy::kConcealForever) return true;
  if (SS_PLANTED("conceal-zero-forever") && retry->conceal == 0) return true;  // planted: conceal 0 read as "forever"
  return failures <= retry->conceal;
}

}  // namespace ss::policy
