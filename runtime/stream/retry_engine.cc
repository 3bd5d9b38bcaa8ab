#include "runtime/stream/retry_engine.h"

#include "runtime/core/planted.h"

#include <algorithm>

#include "runtime/policy/retry.h"

namespace ss::stream {

// One formula for the engine, `ss-policy explain` and the policy properties.
std::uint32_t backoff_delay_ms(const policy::RetryPolicy* retry, std::uint32_t try_index,
                               std::uint16_t rand16) {
  return policy::retry_delay_ms(retry, try_index, rand16);
}

bool backoff_concealed(const policy::RetryPolicy* retry, std::uint32_t failures) {
  // Planted: one more attempt than the policy's conceal count allows.
  if (SS_PLANTED("retry-conceal") && failures > 0) --failures;
  return policy::retry_concealed(retry, failures);
}

RetryBudget::Decision RetryBudget::on_failure(std::uint16_t rand16, std::uint32_t min_delay_ms) {
  Decision d;
  if (gave_up_) {
    d.already_gave_up = true;
    return d;
  }
  const std::uint32_t try_index = failures_;
  if (failures_ < 0xffffu) ++failures_;
  if (!backoff_concealed(retry_, failures_)) {
    gave_up_ = true;
    d.give_up = true;
    return d;
  }
  d.delay_ms = std::max(backoff_delay_ms(retry_, try_index, rand16), min_delay_ms);
  return d;
}

}  // namespace ss::stream
