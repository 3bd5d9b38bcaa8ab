// Pieces every stream scenario's actor repeats (sim/scenarios/*): drawing
// and describing a retry policy, feeding a message to tx() chunk by chunk,
// and the end-of-run checks on a stream's states and on the context.
//
// The draws keep the order the scenarios always used, so a seed builds
// the same world with these helpers as it did before them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/rng.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "runtime/stream/states.h"
#include "sim/world.h"

namespace ss::sim::testing {

// One message a scenario's stream sends: its bytes, how many go per tx()
// call, and the pause before its first byte.
struct TxMessage {
  std::string bytes;
  std::size_t chunk = 0;
  Micros gap = 0;
};

// "    messages: <size>B/<chunk>@+<gap>us ..." and a newline.
std::string describe_messages(const std::vector<TxMessage>& msgs);

// A retry policy named "r<index>": 1-4 backoff steps of 100-2000 ms, a
// conceal of 1, 3, 10 or forever, jitter half the time, and with odds
// 1 in `ping_odds` a validity ping of 1-3 s (half of those also hang up
// 2-4 s later).
policy::RetryPolicy draw_retry_policy(Rng& draw, std::size_t index, std::uint64_t ping_odds);

// The engine's transport and protocol deadlines of a run: 2-5 s each.
struct Deadlines {
  Micros transport = 0;
  Micros protocol = 0;
};
Deadlines draw_deadlines(Rng& draw);

// " retry=[a,b]ms conceal=N jitter=J% [valid_ping=Ns] [valid_hangup=Ns]",
// or " no-retry" when the stream has none.
std::string describe_retry(bool has_retry, const policy::RetryPolicy& retry);

// One tx() chunk of `message` from `offset`: at most `chunk` bytes and what
// `buf` holds, SOM on the first, EOM on the last. Advances `offset` (back
// to 0 after the EOM) and returns true when this chunk ended the message.
bool next_chunk(const std::string& message, std::size_t chunk, std::size_t& offset, std::span<std::uint8_t> buf,
                std::size_t& len, std::uint32_t& flags);

// Every state legal under the transition table; DESTROYING exactly once, last.
void check_state_sequence(World& world, const std::string& name,
                          const std::vector<std::pair<Micros, stream::State>>& states);

// No stream live or waiting to be reclaimed after the last destroy.
void check_nothing_left(World& world, const stream::Context* ctx);

}  // namespace ss::sim::testing
