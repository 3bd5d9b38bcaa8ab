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
#include "runtime/stream/stream.h"
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
// "deadlines: transport=<us>us protocol=<us>us" and a newline.
std::string describe_deadlines(const Deadlines& d);

// " retry=[a,b]ms conceal=N jitter=J% [valid_ping=Ns] [valid_hangup=Ns]",
// or " no-retry" when the stream has none.
std::string describe_retry(bool has_retry, const policy::RetryPolicy& retry);

// The longest a retry waits: its largest backoff step plus the most jitter
// can add to it.
Micros largest_jittered_backoff(const policy::RetryPolicy& retry);

// Adds `st` to `pol`: over TLS trusting store 0 when `tls`, with `retry`
// appended to the policy's retries when `has_retry`.
void add_streamtype(policy::Policy& pol, policy::Streamtype st, bool tls, bool has_retry,
                    const policy::RetryPolicy& retry);

// A StreamInfo for `streamtype` whose callbacks go to actor `a`:
// a->on_state(state[, ack]), a->on_rx(bytes, flags), a->on_tx(buf, len,
// flags); on_bind stores the stream in a->s.
template <class Actor>
stream::StreamInfo actor_stream_info(std::string streamtype, Actor* a) {
  stream::StreamInfo info;
  info.streamtype = std::move(streamtype);
  info.callbacks.state = [a](stream::State st, std::uint32_t ack) {
    if constexpr (requires { a->on_state(st, ack); }) {
      return a->on_state(st, ack);
    } else {
      return a->on_state(st);
    }
  };
  info.callbacks.rx = [a](std::span<const std::uint8_t> b, std::uint32_t f) { return a->on_rx(b, f); };
  info.callbacks.tx = [a](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    return a->on_tx(buf, len, flags);
  };
  info.on_bind = [a](stream::Stream* s) { a->s = s; };
  return info;
}

// Creates actor `a`'s stream at a->spec.start_at (by calling `create`) and
// destroys it, if still live, at a->spec.end_at.
template <class Actor, class Create>
void schedule_stream_life(World& world, Actor* a, Create create) {
  world.loop().at(a->spec.start_at, std::move(create), {"stream", a->ordinal, "start"});
  world.loop().at(a->spec.end_at, [a] {
    if (a->s && !a->s->destroyed()) a->s->destroy();
  }, {"stream", a->ordinal, "end"});
}

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
