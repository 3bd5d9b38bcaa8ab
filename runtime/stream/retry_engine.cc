#include "runtime/stream/retry_engine.h"

#include <algorithm>

namespace ss::stream {

std::uint32_t backoff_delay_ms(const policy::RetryPolicy* retry, std::uint32_t try_index,
                               std::uint16_t rand16) {
  std::uint64_t base = 3000;
  std::uint64_t pc = 30;
  if (retry) {
    if (!retry->backoff_ms.empty()) {
      std::size_t i = std::min<std::size_t>(try_index, retry->backoff_ms.size() - 1);
      base = retry->backoff_ms[i];
    }
    pc = retry->effective_jitter_percent();
  }
  std::uint64_t jitter = ((base * pc * rand16) >> 16) / 100;
  std::uint64_t total = base + jitter;
  return total > 0xffffffffull ? 0xffffffffu : static_cast<std::uint32_t>(total);
}

bool backoff_concealed(const policy::RetryPolicy* retry, std::uint32_t failures) {
  if (!retry) return false;
  if (retry->conceal == policy::RetryPolicy::kConcealForever) return true;
  return failures <= retry->conceal;
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
