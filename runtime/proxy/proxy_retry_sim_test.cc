// A streamtype whose endpoint is dead follows its retry policy the same way
// direct and through the proxy: the same state sequence (UNREACHABLE per
// attempt, the backoff between, ALL_RETRIES_FAILED once after the conceal
// count) and no later than the policy allows. Through the proxy this once
// never ended: each UNREACHABLE made the client ask again, which reset the
// onward stream's budget (corpus/sim-repro/proxy-bulk.seeds).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/proxy_client.h"
#include "runtime/proxy/server.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proxy {
namespace {

using stream::Ret;
using stream::State;

constexpr const char* kPolicy = R"({
  "release": "1", "product": "test", "schema-version": 1,
  "retry": [{"r3": {"backoff": [100, 300, 600], "conceal": 3, "jitterpc": 20}}],
  "s": [{"dead": {"endpoint": "dead-host", "port": 81, "protocol": "raw", "retry": "r3"}}]
})";

// Attempts, each refused within a round trip, and the backoff with jitter.
constexpr Micros kBound = millis((100 + 300 + 600) * 120 / 100) + millis(500);

struct Seen {
  std::vector<State> states;
  Micros asked = 0;
  Micros gave_up = 0;
  std::string gave_up_why;  // last_error() in ALL_RETRIES_FAILED
};

stream::Context::Config config(sim::World& world, int host) {
  auto parsed = policy::parse_policy(kPolicy);
  EXPECT_TRUE(parsed.ok());
  return sim::testing::context_config(world, host, parsed.policy);
}

Seen direct(std::uint64_t seed) {
  sim::World world(sim::WorldOptions{seed});
  const int box = world.add_host("box");
  world.add_host("dead-host");
  stream::Context ctx(config(world, box));
  proto::raw::register_raw_binding(ctx);
  Seen seen;
  stream::Stream* s = nullptr;
  stream::StreamInfo info;
  info.streamtype = "dead";
  info.callbacks.state = [&](stream::State st, std::uint32_t) {
    seen.states.push_back(st);
    if (st == State::kCreating) {
      seen.asked = world.now();
      world.loop().post([&] { s->client_connect(); });
    }
    if (st == State::kAllRetriesFailed) seen.gave_up = world.now();
    return Ret::kOk;
  };
  info.on_bind = [&](stream::Stream* bound) { s = bound; };
  EXPECT_TRUE(ctx.create(std::move(info)).ok());
  EXPECT_TRUE(world.run_until_idle(1'000'000).idle);
  EXPECT_TRUE(world.violations().empty());
  return seen;
}

Seen proxied(std::uint64_t seed) {
  sim::World world(sim::WorldOptions{seed});
  const int box = world.add_host("box");
  world.add_host("dead-host");
  stream::Context ctx(config(world, box));
  proto::raw::register_raw_binding(ctx);
  EngineOnwardFactory factory(ctx);
  ProxyServer server(world.loop(), world.net_for(box), factory);
  EXPECT_TRUE(server.start().ok());
  Seen seen;
  std::unique_ptr<ProxyClient> client;
  ProxyClientOptions o;
  o.link.streamtype = "dead";
  ProxyClientCallbacks cb;
  cb.state = [&](stream::State st, std::uint32_t) {
    seen.states.push_back(st);
    if (st == State::kCreating) {
      seen.asked = world.now();
      client->client_connect();
    }
    if (st == State::kAllRetriesFailed) {
      seen.gave_up = world.now();
      seen.gave_up_why = client->last_error();
      client->destroy();  // the process goes away
    }
    return Ret::kOk;
  };
  client = std::make_unique<ProxyClient>(world.loop(), world.net_for(box), o, cb);
  client->start();
  EXPECT_TRUE(world.run_until_idle(1'000'000).idle);
  EXPECT_TRUE(world.violations().empty());
  return seen;
}

TEST(ProxyRetrySim, DeadEndpointSameStatesDirectAndThroughTheProxy) {
  // conceal 3: four attempts, three backoffs, then give up once (and the
  // stream is destroyed: the context goes away, the client destroys it).
  std::vector<State> expected = {State::kCreating};
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (attempt > 0) expected.push_back(State::kPoll);
    expected.push_back(State::kConnecting);
    expected.push_back(State::kUnreachable);
  }
  expected.push_back(State::kAllRetriesFailed);
  expected.push_back(State::kDestroying);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    const Seen d = direct(seed);
    const Seen p = proxied(seed);
    EXPECT_EQ(d.states, expected);
    EXPECT_EQ(p.states, d.states) << "the proxied stream sees what the direct one sees";
    EXPECT_GT(d.gave_up, d.asked);
    EXPECT_GT(p.gave_up, p.asked);
    EXPECT_LE(d.gave_up - d.asked, kBound);
    EXPECT_LE(p.gave_up - p.asked, kBound);
    // The reason stays in the proxy (its log); the client says whose failure it was.
    EXPECT_EQ(p.gave_up_why, "the SS proxy could not reach the endpoint (its log says why)");
  }
}

}  // namespace
}  // namespace ss::proxy
