// Manual rx credit (lws_ss_add_peer_tx_credit) against a peer that ignores
// it and pushes 2 MiB at once: the stream pauses reading while more than
// kHeldRxPauseAt is held, so TCP holds the peer back; every byte arrives,
// in order, as the user adds credit; the connection is never dropped.
// And h1 responses larger than the credit: the whole body and its EOM
// reach the user before QOS_ACK_REMOTE and DISCONNECTED, whether the
// connection is kept alive (pooled), closed by the server, or the body is
// delimited by the server's close (docs/api.md "Sending and receiving").
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/h1/testing/h1_bed.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::stream {
namespace {

// A raw peer (host "server", port 9) that writes all of `data` to each
// connection at once, credit or not, then (with `close`) closes; and on
// host "client" one stream of an opportunistic raw streamtype to it with
// 1000 bytes of manual credit, recording what its user sees.
struct RawPeerWithCredit {
  struct Peer : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override {}
  };

  RawPeerWithCredit(std::uint64_t seed, const std::string& data, bool close) : world(options(seed)) {
    const int client = world.add_host("client");
    const int server = world.add_host("server");
    auto l = world.net_for(server).listen(Endpoint::tcp("", 9), [this, &data, close](std::unique_ptr<Connection> c) {
      auto p = std::make_unique<Peer>();
      p->conn = std::move(c);
      p->conn->set_handler(p.get());
      p->conn->write(std::string_view(data));
      if (close) p->conn->shutdown_write();  // then the orderly close
      peers.push_back(std::move(p));
    });
    EXPECT_TRUE(l.ok());
    if (l.ok()) listener = std::move(*l);
    auto pol = std::make_shared<policy::Policy>();
    policy::Streamtype st = policy::streamtype("raw", policy::Protocol::kRaw, "server", 9);
    st.opportunistic = true;
    pol->streamtypes.push_back(st);
    Context::Config cfg = sim::testing::context_config(world, client, pol);
    cfg.hooks.trace = [this](std::string_view k, std::string_view t) {
      world.record(k, t);
      if (k == "ss.rxflow" && t.find("pause") != std::string_view::npos) ++pauses;
    };
    ctx = std::make_unique<Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
    StreamInfo info;
    info.streamtype = "raw";
    info.manual_initial_tx_credit = 1000;
    info.callbacks.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      got.append(b.begin(), b.end());
      return Ret::kOk;
    };
    info.callbacks.state = [this](stream::State state, std::uint32_t) {
      states.push_back(state);
      got_at_state.push_back(got.size());
      return Ret::kOk;
    };
    auto made = ctx->create(std::move(info));
    EXPECT_TRUE(made.ok());
    if (made.ok()) s = *made;
  }

  static sim::WorldOptions options(std::uint64_t seed) {
    sim::WorldOptions wo;
    wo.seed = seed;
    return wo;
  }
  std::size_t count(State state) const {
    return static_cast<std::size_t>(std::count(states.begin(), states.end(), state));
  }

  sim::World world;
  std::vector<std::unique_ptr<Peer>> peers;
  std::unique_ptr<Listener> listener;
  // Declared before the context: its teardown raises states into them.
  std::string got;
  std::vector<stream::State> states;
  std::vector<std::size_t> got_at_state;  // rx bytes when each state came
  std::size_t pauses = 0;                 // "ss.rxflow" pauses traced
  std::unique_ptr<Context> ctx;
  Stream* s = nullptr;
};

std::string pattern(std::size_t n, std::size_t mul) {
  std::string out(n, 'x');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (i * mul) % 26);
  return out;
}

TEST(RxCreditSim, AFloodIsPacedByCreditNotDropped) {
  constexpr std::size_t kTotal = 2 * 1024 * 1024;
  const std::string flood = pattern(kTotal, 7);
  RawPeerWithCredit t(5, flood, false);
  ASSERT_NE(t.s, nullptr);
  t.s->client_connect();
  // The user reads 64 KiB every 50 ms: 2 MiB in about 1.6 s.
  for (int i = 0; i < 100 && t.got.size() < kTotal; ++i) {
    t.world.run_for(millis(50));
    t.s->add_peer_tx_credit(64 * 1024);
  }
  t.world.run_for(millis(200));
  EXPECT_EQ(t.count(State::kDisconnected), 0u) << "the connection was dropped";
  ASSERT_EQ(t.got.size(), kTotal);
  EXPECT_TRUE(t.got == flood) << "bytes differ";
  EXPECT_GT(t.pauses, 0u) << "reading never paused";
  EXPECT_TRUE(t.world.violations().empty());
}

// One h1 GET of `route` by a stream with `credit` initial credit whose
// reader adds `step` every 20 ms; returns what the user saw, in order.
struct H1Seen {
  std::vector<std::string> events;  // "rx <n>[ EOM]" and state names
  std::string body;
  std::size_t body_at_ack = 0;  // body bytes when QOS_ACK_REMOTE came
  bool eom_before_ack = false;
  std::size_t pooled = 0;       // idle pooled connections at the end
  std::vector<std::string> violations;
};

H1Seen h1_with_credit(sim::peers::HttpRoute route, std::int32_t credit, std::int32_t step, int transactions = 1) {
  using proto::h1::testing::Bed;
  H1Seen seen;
  bool eom = false, acked = false;
  int acks = 0, disconnects = 0;
  Bed bed(route.path);
  bed.server.route(route);
  StreamInfo info;
  info.streamtype = "web";
  info.manual_initial_tx_credit = credit;
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t flags) {
    seen.body.append(b.begin(), b.end());
    eom = eom || (flags & kFlagEom);
    seen.events.push_back("rx " + std::to_string(b.size()) + ((flags & kFlagEom) ? " EOM" : ""));
    return Ret::kOk;
  };
  info.callbacks.state = [&](stream::State state, std::uint32_t) {
    seen.events.push_back(state_name(state));
    if (state == State::kQosAckRemote && !acked) {
      acked = true;
      seen.body_at_ack = seen.body.size();
      seen.eom_before_ack = eom;
    }
    acks += state == State::kQosAckRemote;
    disconnects += state == State::kDisconnected;
    return Ret::kOk;
  };
  auto s = bed.ctx->create(std::move(info));
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return seen;
  for (int t = 0; t < transactions; ++t) {
    const int done = disconnects;
    (*s)->request_tx();
    for (int i = 0; i < 2000 && disconnects == done; ++i) {
      bed.world.run_for(millis(20));
      (*s)->add_peer_tx_credit(step);
    }
  }
  bed.world.run_for(seconds(1));
  seen.pooled = bed.ctx->pool().idle_count();
  seen.violations = bed.world.violations();
  return seen;
}

// Whatever came, came in the order the user must see it: every rx before
// the transaction's ACK, and ACK before DISCONNECTED.
void expect_rx_then_ack_then_disconnected(const H1Seen& seen) {
  std::string order;
  for (const auto& e : seen.events) {
    char c = e.rfind("rx", 0) == 0 ? 'r' : e == "QOS_ACK_REMOTE" ? 'A' : e == "DISCONNECTED" ? 'D' : 0;
    if (c && (order.empty() || order.back() != c)) order += c;
  }
  EXPECT_EQ(order.substr(0, 3), "rAD") << ::testing::PrintToString(seen.events);
}

TEST(RxCreditH1, KeptAliveBodyArrivesWholeBeforeTheAck) {
  const std::size_t n = 100000;
  H1Seen seen = h1_with_credit({.path = "/big", .body_size = n}, 10000, 4096);
  EXPECT_EQ(seen.body_at_ack, n);
  EXPECT_TRUE(seen.eom_before_ack);
  EXPECT_TRUE(seen.body == sim::peers::pattern_body(n)) << "bytes differ";
  expect_rx_then_ack_then_disconnected(seen);
  EXPECT_EQ(seen.pooled, 1u);  // the wire went back to the pool meanwhile
  EXPECT_TRUE(seen.violations.empty()) << ::testing::PrintToString(seen.violations);
}

TEST(RxCreditH1, SecondTransactionOnThePooledWireIsWholeToo) {
  const std::size_t n = 30000;
  H1Seen seen = h1_with_credit({.path = "/big", .body_size = n}, 5000, 3000, 2);
  EXPECT_TRUE(seen.body == sim::peers::pattern_body(n) + sim::peers::pattern_body(n)) << "bytes differ";
  std::size_t at = 0, acks = 0;
  for (const auto& e : seen.events) {
    if (e == "QOS_ACK_REMOTE") {
      ++acks;
      EXPECT_EQ(at, n * acks) << "ACK " << acks << " after " << at << " body bytes";
    } else if (e.rfind("rx ", 0) == 0) {
      at += std::stoul(e.substr(3));
    }
  }
  EXPECT_EQ(acks, 2u);
  EXPECT_TRUE(seen.violations.empty()) << ::testing::PrintToString(seen.violations);
}

TEST(RxCreditH1, ServerClosesAfterTheBody) {
  const std::size_t n = 50000;
  H1Seen seen = h1_with_credit({.path = "/big", .body_size = n, .close_after = true}, 2000, 4096);
  EXPECT_EQ(seen.body_at_ack, n);
  EXPECT_TRUE(seen.eom_before_ack);
  expect_rx_then_ack_then_disconnected(seen);
  EXPECT_EQ(seen.pooled, 0u);
  EXPECT_TRUE(seen.violations.empty()) << ::testing::PrintToString(seen.violations);
}

TEST(RxCreditH1, BodyDelimitedByTheServersClose) {
  const std::size_t n = 50000;
  H1Seen seen = h1_with_credit({.path = "/big", .body_size = n, .until_close = true}, 2000, 4096);
  EXPECT_EQ(seen.body_at_ack, n);
  EXPECT_TRUE(seen.eom_before_ack);
  EXPECT_TRUE(seen.body == sim::peers::pattern_body(n)) << "bytes differ";
  expect_rx_then_ack_then_disconnected(seen);
  EXPECT_TRUE(seen.violations.empty()) << ::testing::PrintToString(seen.violations);
}

// A raw peer that sends more than the credit and closes: the tail arrives
// before DISCONNECTED, however slowly the credit comes.
TEST(RxCreditSim, RawPeerCloseWaitsForTheHeldTail) {
  constexpr std::size_t kTotal = 200 * 1024;
  const std::string data = pattern(kTotal, 11);
  RawPeerWithCredit t(7, data, true);
  ASSERT_NE(t.s, nullptr);
  t.s->client_connect();
  t.world.run_for(seconds(2));  // the peer has sent everything and closed by now
  for (int i = 0; i < 200 && t.got.size() < kTotal; ++i) {
    t.s->add_peer_tx_credit(4096);
    t.world.run_for(millis(10));
  }
  t.world.run_for(seconds(1));
  ASSERT_EQ(t.got.size(), kTotal);
  EXPECT_TRUE(t.got == data) << "bytes differ";
  ASSERT_FALSE(t.states.empty());
  EXPECT_EQ(t.states.back(), State::kDisconnected);
  EXPECT_EQ(t.got_at_state.back(), kTotal) << "DISCONNECTED before the held tail";
  EXPECT_TRUE(t.world.violations().empty());
}

}  // namespace
}  // namespace ss::stream
