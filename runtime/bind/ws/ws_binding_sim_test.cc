// The ws binding in the simulator, against sim/peers/WsEchoServer: state
// sequences (docs/secure-streams.md §2.4) for an echo and for every misbehaviour, SOM/EOM
// mapping both ways, and the svalidping/svalidhup timers.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proto::ws {
namespace {

using sim::peers::WsEchoOptions;
using sim::peers::WsFault;
using stream::Ret;

using stream::State;
using enum stream::State;

struct Chunk {
  std::string data;
  std::uint32_t flags;
};

struct Case {
  WsEchoOptions server;
  std::vector<Chunk> tx;
  bool binary = false;
  std::uint16_t valid_ping = 0;
  std::uint16_t valid_hangup = 0;
  Micros run_for = seconds(20);
  bool opportunistic = true;
  std::vector<std::uint32_t> backoff_ms;  // the retry policy's backoff (empty: none)
  std::uint16_t conceal = 0;
  bool resend = false;  // send tx again from its start on each CONNECTED
};

struct Outcome {
  std::vector<State> states;
  Micros disconnected_at = -1;  // virtual time of the first DISCONNECTED
  std::vector<Micros> connecting_at;
  std::size_t too_big = 0;  // messages the server refused (close 1009)
  std::vector<std::pair<std::string, std::uint32_t>> rx;
  std::size_t echoed = 0;
  std::size_t pongs = 0;
  std::vector<std::uint16_t> server_close_codes;
  std::vector<std::string> close_traces;  // "ws.close" trace texts (the server's Close)
  std::size_t violations = 0;
  std::uint64_t hash = 0;
};

Outcome run(const Case& k, std::uint64_t seed = 4) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  Outcome out;
  const int client = world.add_host("client");
  const int server = world.add_host("server");
  sim::peers::WsEchoServer echo(world.loop(), world.net_for(server), Endpoint::tcp("", 80), k.server);
  EXPECT_TRUE(echo.start().ok());

  auto pol = std::make_shared<policy::Policy>();
  policy::RetryPolicy rp;
  rp.name = "r";
  rp.secs_since_valid_ping = k.valid_ping;
  rp.secs_since_valid_hangup = k.valid_hangup;
  rp.backoff_ms = k.backoff_ms;
  rp.conceal = k.conceal;
  pol->retries.push_back(rp);
  policy::Streamtype st = policy::streamtype("sock", policy::Protocol::kWs, "server", 80);
  st.opportunistic = k.opportunistic;
  st.http_url = "echo";
  st.ws_binary = k.binary;
  st.ws_subprotocol = k.server.subprotocol;
  st.retry = 0;
  pol->streamtypes.push_back(st);

  stream::Context::Config cfg = sim::testing::context_config(world, client, pol, seed);
  cfg.hooks.trace = [&world, &out](std::string_view kk, std::string_view t) {
    world.record(kk, t);
    if (kk == "ws.close") out.close_traces.emplace_back(t);
  };
  stream::Context ctx(std::move(cfg));
  register_ws_binding(ctx);

  std::size_t next = 0;
  stream::Stream* s = nullptr;
  stream::StreamInfo info;
  info.streamtype = "sock";
  info.callbacks.state = [&](stream::State state, std::uint32_t) {
    out.states.push_back(state);
    if (state == kDisconnected && out.disconnected_at < 0) out.disconnected_at = world.now();
    if (state == kConnecting) out.connecting_at.push_back(world.now());
    if (state == kConnected && k.resend && next > 0) {
      next = 0;
      s->request_tx();
    }
    return Ret::kOk;
  };
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t flags) {
    out.rx.emplace_back(std::string(b.begin(), b.end()), flags);
    return Ret::kOk;
  };
  info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (next >= k.tx.size()) return Ret::kTxDontSend;
    const Chunk& c = k.tx[next++];
    std::copy(c.data.begin(), c.data.end(), buf.begin());
    len = c.data.size();
    flags = c.flags;
    if (next < k.tx.size()) s->request_tx();
    return Ret::kOk;
  };
  auto created = ctx.create(std::move(info));
  EXPECT_TRUE(created.ok());
  s = *created;
  s->request_tx();
  world.run_for(k.run_for);
  if (ctx.stream_count()) s->destroy();
  world.run_until_idle(1'000'000);
  out.echoed = echo.messages_echoed();
  out.too_big = echo.messages_too_big();
  out.pongs = echo.pongs_received();
  out.server_close_codes = echo.close_codes();
  out.violations = world.violations().size();
  out.hash = world.trace().hash();
  return out;
}

constexpr std::uint32_t SOM = stream::kFlagSom, EOM = stream::kFlagEom;

TEST(WsBindingSim, EchoThenServerCloses) {
  Case k;
  k.server = {.subprotocol = "lws-echo", .close_after = 1, .close_code = 4000};
  k.tx = {{"hel", SOM}, {"lo", EOM}};
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  ASSERT_EQ(o.rx.size(), 1u);
  EXPECT_EQ(o.rx[0].first, "hello");
  EXPECT_EQ(o.rx[0].second, SOM | EOM);
  EXPECT_EQ(o.echoed, 1u);
  EXPECT_EQ(o.server_close_codes, std::vector<std::uint16_t>{4000});  // our reply echoes its code
  EXPECT_EQ(o.close_traces, std::vector<std::string>{"ss1 4000 bye"});  // the server's Close, traced
  EXPECT_EQ(o.violations, 0u);
}

TEST(WsBindingSim, BinaryAndPingFromServer) {
  Case k;
  k.server = {.ping_on_open = true};
  k.binary = true;
  k.tx = {{std::string("\x00\x01\x02", 3), SOM | EOM}};
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));  // DISC: we destroy
  ASSERT_EQ(o.rx.size(), 1u);
  EXPECT_EQ(o.rx[0].first, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(o.pongs, 1u);
}

TEST(WsBindingSim, WrongAcceptIsUnreachable) {
  Case k;
  k.server = {.fault = WsFault::kWrongAccept};
  EXPECT_EQ(run(k).states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
}

TEST(WsBindingSim, RefusedUpgradeIsUnreachable) {
  Case k;
  k.server = {.fault = WsFault::kRefuse, .retry_after = 2u};
  EXPECT_EQ(run(k).states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
}

// A refused upgrade's Retry-After (503, "come back in 2 s") is the floor of
// the next retry, whatever the policy's backoff (100 ms here) says.
TEST(WsBindingSim, RefusedUpgradeRetryAfterIsHonoured) {
  Case k;
  k.server = {.fault = WsFault::kRefuse, .retry_after = 2u};
  k.backoff_ms = {100};
  k.conceal = 1;
  auto o = run(k);
  ASSERT_EQ(o.connecting_at.size(), 2u);
  EXPECT_GE(o.connecting_at[1] - o.connecting_at[0], seconds(2));
  EXPECT_LT(o.connecting_at[1] - o.connecting_at[0], seconds(3));
}

TEST(WsBindingSim, DropAfterOpenIsDisconnected) {
  Case k;
  k.server = {.fault = WsFault::kDropAfterOpen};
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_TRUE(o.close_traces.empty());  // no Close frame came
}

// Reconnect per the rules (docs/secure-streams.md §2.5, §2.6): a stream that is not
// opportunistic and had no completed transaction reconnects after a drop,
// after the policy's backoff; each CONNECTED resets the backoff (as in
// lws), so a server that keeps dropping keeps being retried, never faster
// than the backoff.
TEST(WsBindingSim, DroppedNonOpportunisticStreamReconnects) {
  Case k;
  k.server = {.fault = WsFault::kDropAfterOpen};
  k.opportunistic = false;
  k.backoff_ms = {500};
  k.conceal = 2;
  k.run_for = seconds(5);
  auto o = run(k);
  const std::vector<State> cycle = {kPoll, kConnecting, kConnected, kDisconnected};
  ASSERT_GE(o.states.size(), 1 + 3 * cycle.size());
  for (std::size_t i = 0; i + 2 < o.states.size(); ++i) {
    // After the first drop, every cycle is POLL CONNECTING CONNECTED DISCONNECTED.
    if (i >= 1 && o.states[i] != kDestroying) {
      EXPECT_EQ(o.states[i], cycle[(i - 1) % cycle.size()]) << i;
    }
  }
  const auto connects = std::count(o.states.begin(), o.states.end(), kConnected);
  EXPECT_GE(connects, 5);   // it kept coming back ...
  EXPECT_LE(connects, 11);  // ... but no faster than one per 500 ms backoff
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kAllRetriesFailed), 0);
  EXPECT_EQ(o.violations, 0u);
}

TEST(WsBindingSim, BadFrameIsDisconnected) {
  Case k;
  k.server = {.fault = WsFault::kBadFrame};
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_TRUE(o.rx.empty());
}

TEST(WsBindingSim, TxWithoutSomClosesTheConnection) {
  Case k;
  k.tx = {{"x", EOM}};
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(o.echoed, 0u);
}

TEST(WsBindingSim, ValidityHangupWhenSilent) {
  Case k;
  k.valid_hangup = 3;
  k.run_for = seconds(10);
  auto o = run(k);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  // Hung up by the validity timer (checked each second), not by the destroy at 10 s.
  EXPECT_GE(o.disconnected_at, seconds(3));
  EXPECT_LT(o.disconnected_at, seconds(5));
}

TEST(WsBindingSim, ValidityPingKeepsItAlive) {
  Case k;
  k.valid_ping = 2;
  k.valid_hangup = 5;
  k.run_for = seconds(30);
  auto o = run(k);
  // Still connected when the test destroys the stream at 30 s.
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_GE(o.disconnected_at, seconds(30));
  EXPECT_EQ(o.rx.size(), 0u);
}

// Our side ending the stream (destroy, or DISCONNECT_ME) says so: a Close
// frame with 1000 goes out before the transport closes.
TEST(WsBindingSim, LocalDestroySendsClose1000) {
  Case k;
  k.tx = {{"hi", SOM | EOM}};
  k.run_for = seconds(2);  // still open when the test destroys the stream
  auto o = run(k);
  EXPECT_EQ(o.echoed, 1u);
  EXPECT_EQ(o.server_close_codes, (std::vector<std::uint16_t>{1000}));
}

// One message of `size` bytes, in tx chunks (the binding's 1540-byte
// buffer), SOM on the first and EOM on the last.
std::vector<Chunk> message_chunks(std::size_t size) {
  std::vector<Chunk> out;
  for (std::size_t at = 0; at < size; at += 1500) {
    const std::size_t n = std::min<std::size_t>(1500, size - at);
    std::string d(n, '\0');
    for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<char>('a' + (at + i) * 7 % 26);
    out.push_back({std::move(d), (at == 0 ? SOM : 0u) | (at + n == size ? EOM : 0u)});
  }
  return out;
}

std::string joined(const std::vector<Chunk>& chunks) {
  std::string out;
  for (const auto& c : chunks) out += c.data;
  return out;
}

// A multi-MiB message comes back whole from a server that echoes it as one
// frame (as python websockets and lws do): the stream gets it in pieces of
// at most 4 KiB, SOM on the first only, EOM on the last only.
TEST(WsBindingSim, SixMebibyteMessageInOneFrameComesBackInPieces) {
  Case k;
  k.server = {.max_message = std::size_t{8} << 20};
  k.tx = message_chunks(std::size_t{6} << 20);
  auto o = run(k);
  EXPECT_EQ(o.echoed, 1u);
  std::string got;
  for (std::size_t i = 0; i < o.rx.size(); ++i) {
    EXPECT_LE(o.rx[i].first.size(), 4096u);
    EXPECT_EQ(o.rx[i].second, (i == 0 ? SOM : 0u) | (i + 1 == o.rx.size() ? EOM : 0u)) << i;
    got += o.rx[i].first;
  }
  EXPECT_TRUE(got == joined(k.tx)) << got.size();
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(o.violations, 0u);
}

// The echo server's limit is explicit: 1 MiB passes, 1 MiB + 1 is refused
// with close 1009.
TEST(WsBindingSim, EchoServerLimitIsOneMebibyte) {
  Case k;
  k.tx = message_chunks(sim::peers::kWsEchoMaxMessage);
  k.run_for = seconds(2);
  auto ok = run(k);
  EXPECT_EQ(ok.echoed, 1u);
  EXPECT_EQ(ok.too_big, 0u);
  k.tx = message_chunks(sim::peers::kWsEchoMaxMessage + 1);
  auto refused = run(k);
  EXPECT_EQ(refused.echoed, 0u);
  EXPECT_EQ(refused.too_big, 1u);
  EXPECT_EQ(refused.close_traces, std::vector<std::string>{"ss1 1009"});
}

// A message too big for the server, on a stream that reconnects: each
// refusal is QOS_NACK_REMOTE and a failure for the retry budget, so the
// delays climb the backoff table (100, 200, 400 ms, +jitter up to 30%)
// and ALL_RETRIES_FAILED ends it after `conceal` failures. (lws would
// reset the count on each CONNECTED and resend for ever.)
TEST(WsBindingSim, TooBigForServerBacksOffThenAllRetriesFailed) {
  Case k;
  k.tx = message_chunks(sim::peers::kWsEchoMaxMessage + 1);
  k.opportunistic = false;
  k.backoff_ms = {100, 200, 400};
  k.conceal = 3;
  k.resend = true;
  k.run_for = seconds(10);
  auto o = run(k);
  const std::vector<State> cycle = {kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected};
  std::vector<State> want = {kCreating};
  for (int i = 0; i < 4; ++i) want.insert(want.end(), cycle.begin(), cycle.end());
  want.push_back(kAllRetriesFailed);
  want.push_back(kDestroying);
  EXPECT_EQ(o.states, want);
  EXPECT_EQ(o.too_big, 4u);
  EXPECT_EQ(o.echoed, 0u);
  ASSERT_EQ(o.connecting_at.size(), 4u);
  const Micros base[] = {100, 200, 400};
  for (int i = 0; i < 3; ++i) {
    const Micros gap = o.connecting_at[i + 1] - o.connecting_at[i];
    EXPECT_GE(gap, millis(base[i])) << i;
    EXPECT_LT(gap, millis(base[i] * 13 / 10 + 50)) << i;  // + jitter + the refusal's round trips
  }
  EXPECT_EQ(o.violations, 0u);
}

// With a policy that never gives up, it keeps trying, but at the backoff
// table's last step, never at the first step again.
TEST(WsBindingSim, TooBigForServerRetryForeverStaysAtLastBackoff) {
  Case k;
  k.tx = message_chunks(sim::peers::kWsEchoMaxMessage + 1);
  k.opportunistic = false;
  k.backoff_ms = {100, 1000};
  k.conceal = 65535;
  k.resend = true;
  k.run_for = seconds(10);
  auto o = run(k);
  ASSERT_GE(o.connecting_at.size(), 4u);
  for (std::size_t i = 2; i < o.connecting_at.size(); ++i)
    EXPECT_GE(o.connecting_at[i] - o.connecting_at[i - 1], millis(1000)) << i;
  EXPECT_LE(o.connecting_at.size(), 11u);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kQosNackRemote), static_cast<long>(o.too_big));
  EXPECT_EQ(o.violations, 0u);
}

TEST(WsBindingSim, SameSeedSameTrace) {
  Case k;
  k.server = {.ping_on_open = true, .close_after = 2};
  k.tx = {{"a", SOM | EOM}, {"b", SOM | EOM}};
  EXPECT_EQ(run(k, 9).hash, run(k, 9).hash);
}

}  // namespace
}  // namespace ss::proto::ws
