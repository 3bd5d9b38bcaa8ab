// ProxyClient (a client process's proxied stream, lws "SSPC") against the
// real ProxyServer and the stream engine in the simulator: data both ways
// through an echo server, the 1 s link retry with UPSTREAM_LINK_RETRY while
// the proxy is not there, a proxy restart mid-stream (DISCONNECTED, no
// second CREATING), a streamtype the proxy refuses, return codes, replay;
// a connected stream that is destroyed (destroy(), destroy() inside rx,
// DESTROY_ME) says DISCONNECTED before DESTROYING, as a direct stream does.
#include "runtime/proxy/proxy_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "runtime/stream/state_table.h"
#include "sim/echo.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proxy {
namespace {

using stream::Ret;
using stream::State;

using enum State;

constexpr const char* kPolicy = R"({
  "release": "1", "product": "test", "schema-version": 1,
  "retry": [{"default": {"backoff": [100, 200], "conceal": 3, "jitterpc": 20}}],
  "s": [{"echo": {"endpoint": "server", "port": 7, "protocol": "raw", "retry": "default"}},
        {"nailed": {"endpoint": "${where}", "port": 7, "protocol": "raw", "retry": "default",
                    "nailed_up": true, "metadata": [{"where": ""}]}}]
})";

// The proxy process (context + onward factory + server) on host "box".
struct Proxy {
  Proxy(sim::World& world, int box) : ctx(config(world, box)), factory(ctx), server(world.loop(), world.net_for(box), factory) {
    proto::raw::register_raw_binding(ctx);
    EXPECT_TRUE(server.start().ok());
  }
  static stream::Context::Config config(sim::World& world, int box) {
    auto parsed = policy::parse_policy(kPolicy);
    EXPECT_TRUE(parsed.ok());
    return sim::testing::context_config(world, box, parsed.policy);
  }
  stream::Context ctx;
  EngineOnwardFactory factory;
  ProxyServer server;
};

// A client stream that sends `message` once connected and records all.
struct User {
  std::vector<State> states;
  std::vector<std::uint32_t> acks;
  std::vector<std::string> errors;  // last_error() as each state was raised
  std::string rx;
  std::string message = "hello through the proxy";
  bool sent = false;
  Ret on_rx_answer = Ret::kOk;
  bool destroy_in_rx = false;  // call destroy() from inside rx()
  bool ask_again = true;  // request_tx on DISCONNECTED, as apps do
  bool nailed = false;    // a nailed_up streamtype: never asks to connect
  std::string where;      // set as metadata "where" in CREATING
  std::unique_ptr<ProxyClient> client;

  void make(sim::World& world, int box, const std::string& streamtype = "echo") {
    ProxyClientOptions o;
    o.link.streamtype = streamtype;
    o.link.client_pid = 42;
    ProxyClientCallbacks cb;
    cb.state = [this](stream::State st, std::uint32_t ack) {
      states.push_back(st);
      acks.push_back(ack);
      errors.push_back(client->last_error());
      if (st == kCreating && !where.empty()) client->set_metadata("where", where);
      if (st == kCreating && !nailed) client->request_tx();
      if (st == kConnected) sent = false, client->request_tx();
      if (st == kDisconnected && ask_again) client->request_tx();
      return Ret::kOk;
    };
    cb.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.append(b.begin(), b.end());
      if (destroy_in_rx) client->destroy();
      return on_rx_answer;
    };
    cb.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      if (sent) return Ret::kTxDontSend;
      std::copy(message.begin(), message.end(), buf.begin());
      len = message.size();
      flags = stream::kFlagSom | stream::kFlagEom;
      sent = true;
      return Ret::kOk;
    };
    client = std::make_unique<ProxyClient>(world.loop(), world.net_for(box), o, cb);
    client->start();
  }
  int count(State st) const { return static_cast<int>(std::count(states.begin(), states.end(), st)); }
  // last_error() when `st` was first raised ("?" if it never was).
  std::string error_at(State st) const {
    auto it = std::find(states.begin(), states.end(), st);
    return it == states.end() ? "?" : errors[static_cast<std::size_t>(it - states.begin())];
  }
  // The first step of `states` the transition table forbids ("" if none).
  std::string illegal_step() const {
    State tracked = State::kNone;
    for (State st : states) {
      if (!stream::transition_legal(tracked, st))
        return std::string(stream::state_name(tracked)) + " -> " + stream::state_name(st);
      tracked = stream::next_tracked(tracked, st);
    }
    return "";
  }
  // The last `n` states.
  std::vector<State> tail(std::size_t n) const {
    return std::vector<State>(states.end() - static_cast<std::ptrdiff_t>(std::min(n, states.size())), states.end());
  }
};

struct Bed {
  explicit Bed(std::uint64_t seed = 1) : world(options(seed)) {
    EXPECT_TRUE(echo.start().ok());
  }
  static sim::WorldOptions options(std::uint64_t seed) {
    sim::WorldOptions o;
    o.seed = seed;
    o.segmentation = {1, 16};
    return o;
  }
  sim::World world;
  int box = world.add_host("box");
  int server = world.add_host("server");
  sim::EchoServer echo{world, server, Endpoint::tcp("server", 7)};
};

TEST(ProxyClientSim, DataGoesBothWaysThroughTheProxy) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.make(bed.world, bed.box);
  bed.world.run_for(seconds(2));
  EXPECT_EQ(u.rx, u.message);
  ASSERT_GE(u.states.size(), 2u);
  EXPECT_EQ(u.states.front(), kCreating);
  EXPECT_EQ(u.count(kConnected), 1);
  EXPECT_EQ(proxy->ctx.stream_count(), 1u);
  EXPECT_EQ(u.client->last_error(), "") << "nothing failed";
  EXPECT_EQ(u.client->lifecycle(), stream::StreamPhase::kLive);
  u.client->destroy();
  bed.world.run_for(millis(100));
  EXPECT_EQ(u.states.back(), kDestroying);
  EXPECT_TRUE(u.client->destroyed());
  EXPECT_EQ(u.client->lifecycle(), stream::StreamPhase::kDestroyed);
  EXPECT_EQ(proxy->ctx.stream_count(), 0u) << "the onward stream goes with the link";
  EXPECT_TRUE(bed.world.violations().empty());
}

// A nailed-up streamtype connects by itself, but (as for a direct stream,
// docs/secure-streams.md §2.6) only after the metadata the user set in
// CREATING: here the endpoint itself is that metadata, so a connect before
// it arrived would go nowhere (UNREACHABLE) instead of to the echo server.
TEST(ProxyClientSim, NailedUpOnwardStreamConnectsWithTheMetadataSetInCreating) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    Bed bed(seed);
    auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
    User u;
    u.nailed = true;
    u.where = "server";
    u.make(bed.world, bed.box, "nailed");
    bed.world.run_for(seconds(2));
    EXPECT_EQ(u.count(kUnreachable), 0) << "no UNREACHABLE: the first connect had the endpoint";
    EXPECT_EQ(u.count(kConnected), 1);
    EXPECT_EQ(u.rx, u.message);
    EXPECT_EQ(u.illegal_step(), "");
    EXPECT_TRUE(bed.world.violations().empty());
  }
}

TEST(ProxyClientSim, RetriesEverySecondUntilTheProxyIsThere) {
  Bed bed;
  User u;
  u.make(bed.world, bed.box);
  bed.world.run_for(millis(2500));
  ASSERT_EQ(u.count(kUpstreamLinkRetry), 3);  // tries at 0, 1 s, 2 s
  EXPECT_EQ(u.acks[0], 0u);
  EXPECT_GE(u.acks[2], 1900u);  // ms since the first failed try
  EXPECT_EQ(u.error_at(kUpstreamLinkRetry), "cannot reach the SS proxy at +@proxy.ss.lws: connection refused");
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  bed.world.run_for(seconds(2));
  EXPECT_EQ(u.count(kCreating), 1);
  EXPECT_EQ(u.rx, u.message);
  EXPECT_EQ(u.error_at(kConnected), "") << "CONNECTED clears it";
}

TEST(ProxyClientSim, ProxyRestartIsDisconnectedThenServedAgain) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.make(bed.world, bed.box);
  bed.world.run_for(seconds(1));
  ASSERT_EQ(u.count(kConnected), 1);
  proxy.reset();  // the proxy process goes away
  bed.world.run_for(millis(1500));
  EXPECT_EQ(u.count(kDisconnected), 1);
  EXPECT_EQ(u.client->last_error(), "cannot reach the SS proxy at +@proxy.ss.lws: connection refused");
  EXPECT_GE(u.count(kUpstreamLinkRetry), 1);
  proxy = std::make_unique<Proxy>(bed.world, bed.box);
  bed.world.run_for(seconds(3));
  EXPECT_EQ(u.count(kCreating), 1) << "CREATING is not raised again after a reconnect";
  EXPECT_EQ(u.count(kConnected), 2);
  EXPECT_EQ(u.rx, u.message + u.message);
  EXPECT_TRUE(bed.world.violations().empty());
}

TEST(ProxyClientSim, UnknownStreamtypeIsDestroyed) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.make(bed.world, bed.box, "no-such-streamtype");
  bed.world.run_for(seconds(2));
  EXPECT_EQ(u.states, std::vector<State>{kDestroying});
  EXPECT_EQ(u.error_at(kDestroying), "the SS proxy refused streamtype 'no-such-streamtype'");
  EXPECT_TRUE(u.client->destroyed());
  EXPECT_EQ(u.count(kUpstreamLinkRetry), 0) << "a refusal is final, not retried";
  EXPECT_EQ(u.illegal_step(), "");
}

// lws raises UPSTREAM_LINK_RETRY while the link is not up and CREATING only
// with CREATE_RESULT (docs/secure-streams.md §3.1, §3.7), so a proxied
// stream's user hears UPSTREAM_LINK_RETRY before CREATING: a legal
// sequence (docs/states.md rule 1).
TEST(ProxyClientSim, LinkRetryBeforeCreatingIsLegal) {
  Bed bed;
  User u;
  u.make(bed.world, bed.box);
  bed.world.run_for(millis(1500));
  ASSERT_EQ(u.states, (std::vector<State>{kUpstreamLinkRetry, kUpstreamLinkRetry}));
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  bed.world.run_for(seconds(2));
  ASSERT_EQ(u.count(kConnected), 1);
  EXPECT_EQ(u.states[2], kCreating);
  EXPECT_EQ(u.illegal_step(), "");
}

// Destroyed before CREATE_RESULT (the proxy not there, or not answered yet):
// the user never heard CREATING and hears DESTROYING alone, as from lws
// ((0) -> DESTROYING, docs/secure-streams.md §2.3).
TEST(ProxyClientSim, DestroyedBeforeCreateResultSaysOnlyDestroying) {
  for (bool proxy_there : {false, true}) {
    SCOPED_TRACE(proxy_there);
    Bed bed;
    std::unique_ptr<Proxy> proxy;
    if (proxy_there) proxy = std::make_unique<Proxy>(bed.world, bed.box);
    User u;
    u.make(bed.world, bed.box);
    bed.world.run_for(proxy_there ? Micros{1} : millis(1500));
    ASSERT_EQ(u.count(kCreating), 0);
    u.client->destroy();
    bed.world.run_for(seconds(2));
    EXPECT_TRUE(u.client->destroyed());
    EXPECT_EQ(u.states.back(), kDestroying);
    EXPECT_EQ(u.count(kDestroying), 1);
    EXPECT_EQ(u.count(kCreating), 0);
    EXPECT_EQ(u.illegal_step(), "");
    if (proxy) {
      EXPECT_EQ(proxy->ctx.stream_count(), 0u);
    }
    EXPECT_TRUE(bed.world.violations().empty());
  }
}

// The link drops while the onward stream is CONNECTING: that attempt is
// over (the proxy destroys the onward stream), so the user hears
// UNREACHABLE (docs/states.md rule 5) before the request, still pending,
// makes the next link's onward stream CONNECTING again.
TEST(ProxyClientSim, LinkLostWhileConnectingEndsTheAttempt) {
  Bed bed;
  bed.world.network().blackhole(bed.server, Endpoint::tcp("", 7), 0);  // the onward connect hangs
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.make(bed.world, bed.box);
  bed.world.run_for(seconds(1));
  ASSERT_EQ(u.states.back(), kConnecting);
  proxy.reset();
  bed.world.run_for(millis(500));
  proxy = std::make_unique<Proxy>(bed.world, bed.box);
  bed.world.run_for(seconds(2));
  EXPECT_EQ(u.count(kCreating), 1);
  EXPECT_EQ(u.count(kConnecting), 2) << "the pending request goes to the new onward stream";
  EXPECT_EQ(u.count(kUnreachable), 1);
  EXPECT_EQ(u.error_at(kUnreachable), "link to the SS proxy lost");
  EXPECT_EQ(u.count(kDisconnected), 0) << "the user never saw CONNECTED";
  EXPECT_EQ(u.illegal_step(), "");
  EXPECT_TRUE(bed.world.violations().empty());
}

TEST(ProxyClientSim, DestroyMeFromRxEndsEverything) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.on_rx_answer = Ret::kDestroyMe;
  u.make(bed.world, bed.box);
  bed.world.run_for(seconds(3));
  EXPECT_EQ(u.count(kDestroying), 1);
  EXPECT_EQ(u.states.back(), kDestroying);
  EXPECT_EQ(proxy->ctx.stream_count(), 0u);
  EXPECT_EQ(u.count(kUpstreamLinkRetry), 0);
}

// docs/states.md rule 3: destroyed while connected, the user hears
// DISCONNECTED, then DESTROYING; the whole sequence is one the table allows.
TEST(ProxyClientSim, DestroyWhileConnectedSaysDisconnectedFirst) {
  enum class How { kDestroy, kDestroyInRx, kDestroyMeFromRx };
  for (How how : {How::kDestroy, How::kDestroyInRx, How::kDestroyMeFromRx}) {
    SCOPED_TRACE(static_cast<int>(how));
    Bed bed;
    auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
    User u;
    u.ask_again = false;
    u.destroy_in_rx = how == How::kDestroyInRx;
    if (how == How::kDestroyMeFromRx) u.on_rx_answer = Ret::kDestroyMe;
    u.make(bed.world, bed.box);
    bed.world.run_for(seconds(2));
    if (how == How::kDestroy) {
      ASSERT_EQ(u.rx, u.message);
      ASSERT_EQ(u.states.back(), kConnected);
      u.client->destroy();
      bed.world.run_for(millis(100));
    }
    EXPECT_TRUE(u.client->destroyed());
    EXPECT_EQ(u.tail(3), (std::vector<State>{kConnected, kDisconnected, kDestroying}));
    EXPECT_EQ(u.count(kDisconnected), 1);
    EXPECT_EQ(u.illegal_step(), "");
    EXPECT_EQ(proxy->ctx.stream_count(), 0u);
    EXPECT_TRUE(bed.world.violations().empty());
  }
}

// A link drop already said DISCONNECTED: destroy() then says DESTROYING only.
TEST(ProxyClientSim, DestroyAfterLinkDropSaysDisconnectedOnce) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.ask_again = false;
  u.make(bed.world, bed.box);
  bed.world.run_for(seconds(1));
  ASSERT_EQ(u.states.back(), kConnected);
  proxy.reset();
  bed.world.run_for(millis(500));
  ASSERT_EQ(u.count(kDisconnected), 1);
  u.client->destroy();
  bed.world.run_for(millis(100));
  EXPECT_EQ(u.count(kDisconnected), 1);
  EXPECT_EQ(u.states.back(), kDestroying);
  EXPECT_EQ(u.illegal_step(), "");
}

// hold_rx holds the user's rx, not the link's handshake: a user that holds
// from the start still gets CREATE_RESULT within the link's 3 s deadline
// (no link retry loop), and its data once it lets go.
TEST(ProxyClientSim, HoldRxFromTheStartStillCompletesTheHandshake) {
  Bed bed;
  auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
  User u;
  u.make(bed.world, bed.box);
  u.client->hold_rx(true);
  bed.world.run_for(seconds(10));
  EXPECT_EQ(u.count(kCreating), 1);
  EXPECT_EQ(proxy->server.stats().accepted, 1u) << "the link was dropped and made again while the user held rx";
  EXPECT_TRUE(u.rx.empty());
  u.client->hold_rx(false);
  bed.world.run_for(seconds(2));
  EXPECT_EQ(u.rx, u.message);
  EXPECT_EQ(proxy->server.stats().accepted, 1u);
}

TEST(ProxyClientSim, SameSeedSameTrace) {
  auto once = [](std::uint64_t seed) {
    Bed bed(seed);
    auto proxy = std::make_unique<Proxy>(bed.world, bed.box);
    User u;
    u.make(bed.world, bed.box);
    bed.world.run_for(seconds(2));
    return bed.world.trace().hash();
  };
  EXPECT_EQ(once(4), once(4));
}

}  // namespace
}  // namespace ss::proxy
