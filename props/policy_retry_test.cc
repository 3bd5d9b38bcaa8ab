// Properties of the retry maths (runtime/policy/retry.h, docs/secure-streams.md §1.3): delays
// stay within [base, base * (1 + jitter)], ALL_RETRIES_FAILED comes after
// exactly `conceal` concealed failures, and conceal 65535 never gives up.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "runtime/policy/retry.h"

namespace ss::policy {
namespace {

RetryPolicy gen_retry() {
  RetryPolicy r;
  r.name = "r";
  const int n = *rc::gen::inRange(0, 9);
  r.backoff_ms = *rc::gen::container<std::vector<std::uint32_t>>(n, rc::gen::arbitrary<std::uint32_t>());
  r.conceal = *rc::gen::arbitrary<std::uint16_t>();
  r.jitter_percent = *rc::gen::arbitrary<std::uint8_t>();
  return r;
}

RC_GTEST_PROP(RetryDelay, WithinBaseAndBasePlusJitter, (std::uint32_t try_index, std::uint16_t rand16)) {
  const RetryPolicy r = gen_retry();
  const std::uint64_t base = r.backoff_ms.empty()
                                 ? 3000
                                 : r.backoff_ms[std::min<std::size_t>(try_index, r.backoff_ms.size() - 1)];
  RC_ASSERT(retry_base_ms(&r, try_index) == base);
  const std::uint64_t pc = r.jitter_percent ? r.jitter_percent : 30;
  const std::uint64_t d = retry_delay_ms(&r, try_index, rand16);
  RC_ASSERT(d >= base);
  RC_ASSERT(d * 100 <= base * (100 + pc));  // d <= base * (1 + pc/100)
  // Exactly lws's formula (docs/secure-streams.md §1.3), saturated at UINT32_MAX (retry.h).
  RC_ASSERT(d == std::min<std::uint64_t>(base + ((base * pc * rand16) >> 16) / 100, 0xffffffffu));
  RC_ASSERT(retry_delay_ms(&r, try_index, 0) == base);
  RC_ASSERT(retry_max_delay_ms(&r, try_index) >= d);
}

RC_GTEST_PROP(RetryDelay, NoPolicyMeans3000With30Percent, (std::uint32_t try_index, std::uint16_t rand16)) {
  const std::uint32_t d = retry_delay_ms(nullptr, try_index, rand16);
  RC_ASSERT(d >= 3000u);
  RC_ASSERT(d <= 3900u);
  RC_ASSERT_FALSE(retry_concealed(nullptr, 1));
}

RC_GTEST_PROP(RetryConceal, GivesUpAfterExactlyConcealFailures, ()) {
  RetryPolicy r = gen_retry();
  r.conceal = *rc::gen::inRange<std::uint16_t>(0, 65535);  // not 65535 (forever)
  std::uint32_t concealed = 0, failures = 0;
  while (retry_concealed(&r, ++failures)) ++concealed;
  RC_ASSERT(concealed == r.conceal);
  RC_ASSERT(failures == std::uint32_t{r.conceal} + 1);  // the ALL_RETRIES_FAILED failure
}

RC_GTEST_PROP(RetryConceal, ForeverNeverGivesUp, (std::uint32_t failures)) {
  RetryPolicy r = gen_retry();
  r.conceal = RetryPolicy::kConcealForever;
  RC_ASSERT(retry_concealed(&r, failures));
  RC_ASSERT(retry_concealed(&r, 0xffffffffu));
}

}  // namespace
}  // namespace ss::policy
