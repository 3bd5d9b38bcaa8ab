// Retry budget of one stream (docs/secure-streams.md §1.3, §2.5) as a small pure object.
//
// `failures` counts consecutive failed attempts (connect failures, drops
// that need a reconnect). Each failure either yields a delay before the
// next attempt (concealed) or, once concealment is used up, says "give up"
// exactly once: the engine raises ALL_RETRIES_FAILED then. The budget is
// reset by a successful connection, by client_connect() AND by request_tx()
// (lws does not reset on request_tx, docs/secure-streams.md §6 item 12).
//
// Delay: base = backoff[min(try, n-1)] (3000 ms when the table is empty or
// there is no retry policy), plus jitter = ((base * pc * rand16) >> 16) / 100
// with pc = jitter percent (0 -> 30). rand16 comes from the context's Rng.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/policy/policy.h"

namespace ss::stream {

// docs/secure-streams.md §1.3 (policy/retry.h's retry_delay_ms); `try_index` is 0-based.
std::uint32_t backoff_delay_ms(const policy::RetryPolicy* retry, std::uint32_t try_index,
                               std::uint16_t rand16);

// Whether the `failures`-th consecutive failure (1-based) is concealed
// (policy/retry.h's retry_concealed).
bool backoff_concealed(const policy::RetryPolicy* retry, std::uint32_t failures);

class RetryBudget {
 public:
  explicit RetryBudget(const policy::RetryPolicy* retry) : retry_(retry) {}

  struct Decision {
    bool give_up = false;          // raise ALL_RETRIES_FAILED (only once per budget)
    bool already_gave_up = false;  // budget exhausted earlier: stay idle silently
    std::uint32_t delay_ms = 0;    // when !give_up && !already_gave_up
  };

  // Records one failure and decides. `rand16` jitters the delay;
  // `min_delay_ms` is a Retry-After style floor.
  Decision on_failure(std::uint16_t rand16, std::uint32_t min_delay_ms = 0);

  void reset() {
    failures_ = 0;
    gave_up_ = false;
  }
  // Puts back a failure count taken before a reset (a connection that
  // turned out to be a "come back later" does not refresh the budget).
  void restore(std::uint32_t failures) { failures_ = failures; }
  std::uint32_t failures() const { return failures_; }
  bool gave_up() const { return gave_up_; }

 private:
  const policy::RetryPolicy* retry_;
  std::uint32_t failures_ = 0;
  bool gave_up_ = false;
};

}  // namespace ss::stream
