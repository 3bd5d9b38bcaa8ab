// What the whole-stream fuzz targets (h1_, h2_, ws_, mqtt_stream_fuzz) share:
// the retry policy their one streamtype uses, the user's one "hello"
// message, and the end of a run (destroy the stream, the world must come
// to rest with nothing left). The targets keep their own inputs and checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/hostile_server.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "sim/world.h"

namespace ss::fuzzing {

// Retry "r": 100 ms, 200 ms, concealed twice; with `validity`, a validity
// ping after 1 s and a hang-up after 3 s.
inline policy::RetryPolicy stream_fuzz_retry(bool validity) {
  policy::RetryPolicy r;
  r.name = "r";
  r.backoff_ms = {100, 200};
  r.conceal = 2;
  if (validity) r.secs_since_valid_ping = 1, r.secs_since_valid_hangup = 3;
  return r;
}

// The user's tx(): one 5-byte message "hello", SOM|EOM, while `sent` is 0.
inline stream::Ret send_hello_once(int& sent, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
  if (sent > 0 || buf.size() < 5) return stream::Ret::kTxDontSend;
  std::copy_n("hello", 5, buf.begin());
  len = 5;
  flags = stream::kFlagSom | stream::kFlagEom;
  ++sent;
  return stream::Ret::kOk;
}

// Runs the world for `more`, destroys the streams still there, and fails
// (naming `target`) unless the world then comes to rest with no stream.
inline void run_then_destroy(sim::World& world, stream::Context& ctx, std::span<stream::Stream* const> streams,
                             Micros more, const char* target) {
  world.run_for(more, 2'000'000);
  for (auto* s : streams)
    if (ctx.stream_count() && !s->destroyed()) s->destroy();
  auto idle = world.run_until_idle(4'000'000);
  if (idle.livelock) fuzz_fail(target, "no idle after the stream was destroyed");
  if (ctx.stream_count() != 0) fuzz_fail(target, "stream left behind");
}

inline void run_then_destroy(sim::World& world, stream::Context& ctx, stream::Stream* s, Micros more,
                             const char* target) {
  run_then_destroy(world, ctx, std::span<stream::Stream* const>(&s, 1), more, target);
}

// Creates the stream or fails naming `target`.
inline stream::Stream* create_or_fail(stream::Context& ctx, stream::StreamInfo info, const char* target) {
  auto created = ctx.create(std::move(info));
  if (!created.ok()) fuzz_fail(target, "create: " + created.error().message());
  return *created;
}

// After the context is gone: the world settles, and no engine violation was reported.
inline void settle_without_violations(sim::World& world, const std::vector<std::string>& violations,
                                      const char* target) {
  world.run_until_idle(1'000'000);
  if (!violations.empty()) fuzz_fail(target, "violation: " + violations.front());
}

}  // namespace ss::fuzzing
