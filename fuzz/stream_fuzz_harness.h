// What the whole-stream fuzz targets (h1_, h2_, ws_, mqtt_stream_fuzz) share:
// the input's frame (byte 0 the target's options, byte 1 the network's
// largest segment, the rest what the hostile server writes), the policy of
// their one streamtype and its retry, the context config recording engine
// violations, the user's one "hello" message, and the end of a run
// (destroy the streams, the world must come to rest with nothing left).
// The targets keep their own options and checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/hostile_server.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
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

// The world of a run: `seed`, segments of at most 1 + data[1] bytes.
inline sim::WorldOptions stream_fuzz_world_options(std::uint64_t seed, const std::uint8_t* data) {
  sim::WorldOptions wo;
  wo.seed = seed;
  wo.segmentation.max = 1 + data[1];
  return wo;
}

// The hostile server writes the input after its first two bytes.
inline HostileServer::Options stream_fuzz_server(const std::uint8_t* data, std::size_t size, bool close_after) {
  HostileServer::Options so;
  so.bytes = std::span<const std::uint8_t>(data + 2, size - 2);
  so.close_after = close_after;
  return so;
}

// A policy of `st` alone, with retry policy stream_fuzz_retry(validity).
inline std::shared_ptr<policy::Policy> one_streamtype_policy(policy::Streamtype st, bool validity) {
  auto pol = std::make_shared<policy::Policy>();
  pol->retries.push_back(stream_fuzz_retry(validity));
  st.retry = 0;
  pol->streamtypes.push_back(std::move(st));
  return pol;
}

// A context config on `client` whose engine violations land in `violations`.
inline stream::Context::Config stream_fuzz_config(sim::World& world, int client,
                                                  std::shared_ptr<policy::Policy> pol, std::uint64_t seed,
                                                  std::vector<std::string>& violations) {
  stream::Context::Config cfg = sim::testing::context_config(world, client, std::move(pol), seed);
  cfg.hooks.violation = [&violations](std::string_view t) { violations.emplace_back(t); };
  return cfg;
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
