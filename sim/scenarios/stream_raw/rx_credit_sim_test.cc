// Manual rx credit (lws_ss_add_peer_tx_credit) against a peer that ignores
// it and pushes 2 MiB at once: the stream pauses reading while more than
// kHeldRxPauseAt is held, so TCP holds the peer back; every byte arrives,
// in order, as the user adds credit; the connection is never dropped.
// And h1 responses larger than the credit: the whole body and its EOM
// reach the user before QOS_ACK_REMOTE and DISCONNECTED, whether the
// connection is kept alive (pooled), closed by the server, or the body is
// delimited by the server's close (docs/api.md "Sending and receiving").
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/h1/testing/h1_bed.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/world.h"

namespace ss::stream {
namespace {

TEST(RxCreditSim, AFloodIsPacedByCreditNotDropped) {
  constexpr std::size_t kTotal = 2 * 1024 * 1024;
  sim::WorldOptions wo;
  wo.seed = 5;
  sim::World world(wo);
  const int client = world.add_host("client");
  const int server = world.add_host("server");

  std::string flood(kTotal, 'x');
  for (std::size_t i = 0; i < kTotal; ++i) flood[i] = static_cast<char>('a' + (i * 7) % 26);
  struct Pusher : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override {}
  };
  std::vector<std::unique_ptr<Pusher>> pushers;
  auto l = world.net_for(server).listen(Endpoint::tcp("", 9), [&](std::unique_ptr<Connection> c) {
    auto p = std::make_unique<Pusher>();
    p->conn = std::move(c);
    p->conn->set_handler(p.get());
    p->conn->write(std::string_view(flood));  // all of it, credit or not
    pushers.push_back(std::move(p));
  });
  ASSERT_TRUE(l.ok());

  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st = policy::streamtype("flood", policy::Protocol::kRaw, "server", 9);
  st.opportunistic = true;
  pol->streamtypes.push_back(st);
  // Declared before the context: its teardown raises states into them.
  std::string got;
  int disconnects = 0;
  Context::Config cfg;
  cfg.loop = &world.loop();
  cfg.net = &world.net_for(client);
  cfg.policy = pol;
  std::size_t pauses = 0;
  cfg.hooks.trace = [&](std::string_view k, std::string_view t) {
    if (k == "ss.rxflow" && t.find("pause") != std::string_view::npos) ++pauses;
  };
  cfg.hooks.violation = [&](std::string_view t) { world.violation(std::string(t)); };
  Context ctx(std::move(cfg));
  proto::raw::register_raw_binding(ctx);

  StreamInfo info;
  info.streamtype = "flood";
  info.manual_initial_tx_credit = 1000;
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
    got.append(b.begin(), b.end());
    return Ret::kOk;
  };
  info.callbacks.state = [&](int s, std::uint32_t) {
    disconnects += s == static_cast<int>(State::kDisconnected);
    return Ret::kOk;
  };
  auto s = ctx.create(std::move(info));
  ASSERT_TRUE(s.ok());
  (*s)->client_connect();
  // The user reads 64 KiB every 50 ms: 2 MiB in about 1.6 s.
  for (int i = 0; i < 100 && got.size() < kTotal; ++i) {
    world.run_for(millis(50));
    (*s)->add_peer_tx_credit(64 * 1024);
  }
  world.run_for(millis(200));
  EXPECT_EQ(disconnects, 0) << "the connection was dropped";
  ASSERT_EQ(got.size(), kTotal);
  EXPECT_TRUE(got == flood) << "bytes differ";
  EXPECT_GT(pauses, 0u) << "reading never paused";
  EXPECT_TRUE(world.violations().empty());
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
  info.callbacks.state = [&](int state, std::uint32_t) {
    seen.events.push_back(state_name(state));
    if (state == static_cast<int>(State::kQosAckRemote) && !acked) {
      acked = true;
      seen.body_at_ack = seen.body.size();
      seen.eom_before_ack = eom;
    }
    acks += state == static_cast<int>(State::kQosAckRemote);
    disconnects += state == static_cast<int>(State::kDisconnected);
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
  sim::WorldOptions wo;
  wo.seed = 7;
  sim::World world(wo);
  const int client = world.add_host("client");
  const int server = world.add_host("server");
  std::string data(kTotal, 'x');
  for (std::size_t i = 0; i < kTotal; ++i) data[i] = static_cast<char>('a' + (i * 11) % 26);
  struct Closer : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override {}
  };
  std::vector<std::unique_ptr<Closer>> closers;
  auto l = world.net_for(server).listen(Endpoint::tcp("", 9), [&](std::unique_ptr<Connection> c) {
    auto p = std::make_unique<Closer>();
    p->conn = std::move(c);
    p->conn->set_handler(p.get());
    p->conn->write(std::string_view(data));
    p->conn->shutdown_write();  // then the orderly close
    closers.push_back(std::move(p));
  });
  ASSERT_TRUE(l.ok());
  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st = policy::streamtype("closer", policy::Protocol::kRaw, "server", 9);
  st.opportunistic = true;
  pol->streamtypes.push_back(st);
  std::string got;
  std::vector<std::size_t> got_at_state;  // rx bytes when each state came
  std::vector<int> states;
  Context::Config cfg;
  cfg.loop = &world.loop();
  cfg.net = &world.net_for(client);
  cfg.policy = pol;
  cfg.hooks.violation = [&](std::string_view t) { world.violation(std::string(t)); };
  Context ctx(std::move(cfg));
  proto::raw::register_raw_binding(ctx);
  StreamInfo info;
  info.streamtype = "closer";
  info.manual_initial_tx_credit = 1000;
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
    got.append(b.begin(), b.end());
    return Ret::kOk;
  };
  info.callbacks.state = [&](int s, std::uint32_t) {
    states.push_back(s);
    got_at_state.push_back(got.size());
    return Ret::kOk;
  };
  auto s = ctx.create(std::move(info));
  ASSERT_TRUE(s.ok());
  (*s)->client_connect();
  world.run_for(seconds(2));  // the peer has sent everything and closed by now
  for (int i = 0; i < 200 && got.size() < kTotal; ++i) {
    (*s)->add_peer_tx_credit(4096);
    world.run_for(millis(10));
  }
  world.run_for(seconds(1));
  ASSERT_EQ(got.size(), kTotal);
  EXPECT_TRUE(got == data) << "bytes differ";
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back(), static_cast<int>(State::kDisconnected));
  EXPECT_EQ(got_at_state.back(), kTotal) << "DISCONNECTED before the held tail";
  EXPECT_TRUE(world.violations().empty());
}

}  // namespace
}  // namespace ss::stream
