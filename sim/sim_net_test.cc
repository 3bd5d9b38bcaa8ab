// The simulated network: hosts, links and every fault, each by a direct call
// (the same calls World::apply makes for a seeded plan).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/echo.h"
#include "sim/world.h"

namespace ss::sim {
namespace {

struct Rec : ConnectionHandler {
  World* w = nullptr;
  std::string data;
  std::vector<std::string> events;
  std::vector<Micros> data_times;
  std::vector<std::size_t> reads;
  bool connected = false, ended = false, read_closed = false;
  EndReason reason = EndReason::kClosedLocally;
  Micros end_time = -1;
  void on_connected() override { connected = true; events.push_back("connected"); }
  void on_data(std::span<const std::uint8_t> b) override {
    data.append(reinterpret_cast<const char*>(b.data()), b.size());
    reads.push_back(b.size());
    if (w) data_times.push_back(w->now());
    events.push_back("data");
  }
  void on_read_closed() override { read_closed = true; events.push_back("read_closed"); }
  void on_end(EndReason r) override {
    ended = true;
    reason = r;
    if (w) end_time = w->now();
    events.push_back("end");
  }
};

// Accepts and keeps every connection with a Rec handler.
struct Sink {
  std::vector<std::unique_ptr<Connection>> conns;
  std::vector<std::unique_ptr<Rec>> recs;
  World* w = nullptr;
  AcceptCallback acceptor() {
    return [this](std::unique_ptr<Connection> c) {
      recs.push_back(std::make_unique<Rec>());
      recs.back()->w = w;
      c->set_handler(recs.back().get());
      conns.push_back(std::move(c));
    };
  }
};

class SimNetTest : public ::testing::Test {
 protected:
  SimNetTest() : world(opts()) {
    a = world.add_host("a");
    b = world.add_host("b");
    sink.w = &world;
    client.w = &world;
  }
  static WorldOptions opts() {
    WorldOptions o;
    o.seed = 11;
    o.keep_trace = true;
    o.link = LinkParams{millis(1), 0};
    return o;
  }
  std::unique_ptr<Listener> listen_b(std::uint16_t port = 80) {
    auto l = world.net_for(b).listen(Endpoint::tcp("", port), sink.acceptor());
    EXPECT_TRUE(l.ok());
    return l.ok() ? std::move(l.value()) : nullptr;
  }
  std::unique_ptr<Connection> connect_b(ConnectOptions o = {}, std::string to = "b") {
    return world.net_for(a).connect(Endpoint::tcp(to, 80), o, &client);
  }
  std::string payload(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
  }

  World world;
  int a = 0, b = 0;
  Sink sink;
  Rec client;
};

TEST_F(SimNetTest, ConnectByNameTakesDnsPlusTwoLatencies) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  EXPECT_TRUE(client.connected);
  // DNS 2 ms, SYN 1 ms, SYN-ACK 1 ms.
  ASSERT_EQ(sink.conns.size(), 1u);
  EXPECT_EQ(c->peer(), Endpoint::tcp(world.network().host_ip(b), 80));
  EXPECT_EQ(sink.conns[0]->peer().host, world.network().host_ip(a));
  EXPECT_NE(world.trace().to_string().find("accept"), std::string::npos);
}

TEST_F(SimNetTest, LatencyAndBandwidthShapeDelivery) {
  world.network().set_link(a, b, LinkParams{millis(10), 1000});  // 1 kB/s
  world.network().set_segmentation(Segmentation{100, 100});
  auto l = listen_b();
  auto c = connect_b(ConnectOptions{}, world.network().host_ip(b));
  world.run_until_idle(1000);
  const Micros t0 = world.now();
  c->write(payload(300));
  world.run_until_idle(1000);
  ASSERT_EQ(sink.recs.size(), 1u);
  const Rec& r = *sink.recs[0];
  ASSERT_EQ(r.data_times.size(), 3u);
  // Each 100-byte chunk takes 100 ms on the wire, then 10 ms of latency.
  EXPECT_EQ(r.data_times[0] - t0, millis(110));
  EXPECT_EQ(r.data_times[1] - t0, millis(210));
  EXPECT_EQ(r.data_times[2] - t0, millis(310));
}

TEST_F(SimNetTest, AnySegmentationKeepsBytesInOrder) {
  for (std::size_t max : {std::size_t{1}, std::size_t{7}, std::size_t{100000}}) {
    world.network().set_segmentation(Segmentation{1, max});
    auto l = listen_b(static_cast<std::uint16_t>(100 + max % 1000));
    Rec rec;
    auto c = world.net_for(a).connect(Endpoint::tcp("b", static_cast<std::uint16_t>(100 + max % 1000)), {}, &rec);
    const std::string p = payload(5000);
    c->write(std::string_view(p).substr(0, 1234));
    c->write(std::string_view(p).substr(1234));
    world.run_until_idle(1'000'000);
    const Rec& r = *sink.recs.back();
    EXPECT_EQ(r.data, p);
    if (max == 1) {
      EXPECT_EQ(r.reads.size(), 5000u);
    }
    if (max == 100000) {
      EXPECT_LE(r.reads.size(), 2u);  // writes before connect merge into one read
    }
  }
}

TEST_F(SimNetTest, RefusedWhenNothingListensAndByFault) {
  auto c1 = connect_b();
  world.run_until_idle(1000);
  EXPECT_EQ(client.reason, EndReason::kRefused);
  auto l = listen_b();
  world.network().refuse(b, Endpoint::tcp("", 80), millis(100));
  Rec r2;
  auto c2 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &r2);
  world.run_for(millis(50));
  EXPECT_EQ(r2.reason, EndReason::kRefused);
  EXPECT_TRUE(sink.conns.empty());
  world.run_for(millis(100));  // refusal over
  Rec r3;
  auto c3 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &r3);
  world.run_until_idle(1000);
  EXPECT_TRUE(r3.connected);
}

TEST_F(SimNetTest, BlackholeEndsByConnectTimeout) {
  auto l = listen_b();
  world.network().blackhole(b, Endpoint::tcp("", 80), 0);
  ConnectOptions o;
  o.connect_timeout = seconds(7);
  const Micros t0 = world.now();
  auto c = connect_b(o);
  world.run_until_idle(1000);
  EXPECT_EQ(client.reason, EndReason::kTimedOut);
  EXPECT_EQ(client.end_time - t0, seconds(7));
}

TEST_F(SimNetTest, DnsNxdomainAndTimeout) {
  world.network().dns_nxdomain("b", millis(100));
  auto c = connect_b();
  world.run_for(millis(50));
  EXPECT_EQ(client.reason, EndReason::kDnsFailure);

  world.network().dns_timeout("b", seconds(60));
  world.run_for(0);  // faults take effect from the loop
  bool done = false;
  Micros t0 = world.now();
  Micros took = 0;
  world.net_for(a).resolve("b", [&](Result<std::vector<std::string>> r) {
    done = true;
    took = world.now() - t0;
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  });
  world.run_until_idle(1000);
  EXPECT_TRUE(done);
  EXPECT_EQ(took, seconds(5));
}

TEST_F(SimNetTest, ResetMidStreamLeavesAPrefixThenTheReason) {
  world.network().set_link(a, b, LinkParams{millis(1), 100'000});
  world.network().set_segmentation(Segmentation{10, 10});
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  const std::string p = payload(10000);
  c->write(p);
  world.run_for(millis(20));
  ASSERT_EQ(sink.conns.size(), 1u);
  world.network().reset(c->id());
  world.run_until_idle(100000);
  const Rec& server = *sink.recs[0];
  EXPECT_GT(server.data.size(), 0u);
  EXPECT_LT(server.data.size(), p.size());
  EXPECT_EQ(server.data, p.substr(0, server.data.size()));
  EXPECT_EQ(server.reason, EndReason::kReset);
  EXPECT_EQ(client.reason, EndReason::kReset);
  EXPECT_EQ(server.events.back(), "end");
}

// A client that closes after the server accepted but before the SYN-ACK
// came back (TCP: the SYN-ACK meets a closed port and is answered by RST):
// the accepted end is reset, never left open.
TEST_F(SimNetTest, CloseBeforeConnectedResetsTheAcceptedEnd) {
  auto l = listen_b();
  auto c = connect_b();
  while (sink.conns.empty() && world.step()) {
  }
  ASSERT_EQ(sink.conns.size(), 1u);
  ASSERT_FALSE(client.connected);
  c->close();
  world.run_until_idle(1000);
  EXPECT_FALSE(client.connected);
  EXPECT_FALSE(client.ended) << "a closed handle hears nothing";
  EXPECT_TRUE(sink.recs[0]->ended);
  EXPECT_EQ(sink.recs[0]->reason, EndReason::kReset);
  EXPECT_TRUE(world.network().live_connections().empty());
}

TEST_F(SimNetTest, PeerHalfCloseEndsOrReadClosesPerOption) {
  auto l = listen_b();
  ConnectOptions o;
  o.allow_half_close = true;
  auto c = connect_b(o);
  world.run_until_idle(1000);
  world.network().half_close(c->id());  // the server side sends EOF
  world.run_until_idle(1000);
  EXPECT_TRUE(client.read_closed);
  EXPECT_FALSE(client.ended);
  c->write("still writable");
  world.run_until_idle(1000);
  EXPECT_EQ(sink.recs[0]->data, "still writable");

  Rec plain;
  auto c2 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &plain);
  world.run_until_idle(1000);
  world.network().half_close(c2->id());
  world.run_until_idle(1000);
  EXPECT_EQ(plain.reason, EndReason::kClosedByPeer);
}

// Drawn on the server's end, the fault still shuts the server's write side:
// a client's write side is never shut from the other end (TCP cannot).
TEST_F(SimNetTest, HalfCloseOnTheServerEndStillShutsTheServer) {
  auto l = listen_b();
  ConnectOptions o;
  o.allow_half_close = true;
  auto c = connect_b(o);
  world.run_until_idle(1000);
  ASSERT_EQ(sink.conns.size(), 1u);
  world.network().half_close(sink.conns[0]->id());
  world.run_until_idle(1000);
  EXPECT_TRUE(client.read_closed);
  EXPECT_FALSE(sink.recs[0]->ended);
  EXPECT_TRUE(c->write("client still writes"));
  world.run_until_idle(1000);
  EXPECT_EQ(sink.recs[0]->data, "client still writes");
}

TEST_F(SimNetTest, StallHoldsBytesForThePeriod) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  world.network().stall(c->id(), millis(500));
  world.run_for(0);
  const Micros t0 = world.now();
  c->write("x");
  world.run_until_idle(1000);
  ASSERT_EQ(sink.recs[0]->data_times.size(), 1u);
  EXPECT_EQ(sink.recs[0]->data_times[0] - t0, millis(501));
}

TEST_F(SimNetTest, ClogQueuesBytesUntilUnclogAndBackpressures) {
  auto l = listen_b();
  ConnectOptions o;
  o.high_watermark = 100;
  o.low_watermark = 10;
  struct W : Rec {
    int writable = 0;
    void on_writable() override { ++writable; }
  } w;
  w.w = &world;
  auto c = world.net_for(a).connect(Endpoint::tcp("b", 80), o, &w);
  world.run_until_idle(1000);
  world.network().clog(a, b, 0);
  world.run_for(0);
  EXPECT_FALSE(c->write(payload(150)));
  world.run_for(seconds(10));
  EXPECT_TRUE(sink.recs[0]->data.empty());
  EXPECT_EQ(c->buffered(), 150u);
  EXPECT_EQ(w.writable, 0);
  world.network().unclog(a, b);
  world.run_until_idle(1000);
  EXPECT_EQ(sink.recs[0]->data, payload(150));
  EXPECT_EQ(w.writable, 1);
}

TEST_F(SimNetTest, PartitionsOneWayAndTwoWay) {
  auto l = listen_b();
  world.network().partition(a, b, /*two_way=*/false, millis(100));
  auto c = connect_b();
  world.run_for(millis(50));
  EXPECT_EQ(client.reason, EndReason::kUnreachable);
  world.run_for(millis(100));

  Rec r2;
  auto c2 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &r2);
  world.run_until_idle(1000);
  ASSERT_TRUE(r2.connected);
  // One way: b -> a is cut; a -> b still flows.
  world.network().partition(b, a, false, millis(200));
  world.run_for(0);
  c2->write("up");
  sink.conns[0]->write("down");
  world.run_for(millis(100));
  EXPECT_EQ(sink.recs[0]->data, "up");
  EXPECT_EQ(r2.data, "");
  world.run_until_idle(1000);
  EXPECT_EQ(r2.data, "down");  // healed: queued bytes arrive, in order, once

  world.network().partition(a, b, true, 0);
  world.run_for(0);
  c2->write("1");
  sink.conns[0]->write("2");
  world.run_for(seconds(5));
  EXPECT_EQ(sink.recs[0]->data, "up");
  world.network().heal(a, b);
  world.run_until_idle(1000);
  EXPECT_EQ(sink.recs[0]->data, "up1");
  EXPECT_EQ(r2.data, "down2");
}

// What a partition swallows is retransmitted on TCP's doubling timeout:
// with 1 ms links the RTO is 202 ms, so bytes written at t0 into a 1 s
// one-way partition go again at t0+202, +606 and +1414 ms, the first
// after the heal, and arrive 1 ms later.
TEST_F(SimNetTest, PartitionedBytesArriveAtTheFirstRetransmissionAfterTheHeal) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  world.network().partition(a, b, /*two_way=*/false, seconds(1));
  world.run_for(0);
  const Micros t0 = world.now();
  c->write("late");
  world.run_until_idle(1000);
  ASSERT_EQ(sink.recs[0]->data, "late");
  EXPECT_EQ(sink.recs[0]->data_times[0] - t0, millis(1415));
}

// Seed 2228 of the mqtt scenario, reduced: the server closes with bytes
// queued behind a one-way partition server->client, and the client's FIN
// reaches the orphaned server end first. The server's bytes and FIN are
// retransmitted and arrive after the heal: the client is not left on a
// half-open connection.
TEST_F(SimNetTest, FinQueuedBehindAPartitionArrivesAfterTheHeal) {
  auto l = listen_b();
  ConnectOptions o;
  o.allow_half_close = true;
  auto c = connect_b(o);
  world.run_until_idle(1000);
  world.network().partition(b, a, /*two_way=*/false, millis(500));
  world.run_for(0);
  sink.conns[0]->write("tail");
  sink.conns[0]->close();
  c->shutdown_write();
  world.run_for(millis(100));
  EXPECT_EQ(client.data, "");
  world.run_until_idle(1000);
  EXPECT_EQ(client.data, "tail");
  EXPECT_TRUE(client.read_closed) << "the server's FIN was lost";
  EXPECT_GT(world.now(), millis(500));
  EXPECT_TRUE(world.network().live_connections().empty() ||
              world.network().live_connections() == std::vector<std::uint64_t>{c->id()});
}

// A sender that gets nothing through a partition gives up after 15
// retransmissions (924.6 s with a 200 ms RTO: Linux's tcp_retries2) with
// kTimedOut; its peer hears nothing (half-open) until it sends, and what
// it sends meets a socket that is gone: a reset.
TEST_F(SimNetTest, ASenderGivesUpThenItsHalfOpenPeerIsResetWhenItWrites) {
  world.network().set_tcp(TcpParams{millis(200) - millis(2), seconds(120), 15});  // RTO 200 ms on 1 ms links
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  world.network().partition(a, b, /*two_way=*/true, 0);
  world.run_for(0);
  const Micros t0 = world.now();
  c->write("lost");
  world.run_for(seconds(2000));
  EXPECT_EQ(client.reason, EndReason::kTimedOut);
  EXPECT_EQ(client.end_time - t0, millis(924'600));
  const Rec& server = *sink.recs[0];
  EXPECT_FALSE(server.ended) << "the peer of a timed-out sender hears nothing";
  world.network().heal(a, b);
  sink.conns[0]->write("anyone there?");
  world.run_until_idle(1000);
  EXPECT_EQ(server.reason, EndReason::kReset);
}

// close() with bytes received and never read sends a reset, not a FIN
// (Linux), so the peer ends kReset.
TEST_F(SimNetTest, CloseWithUnreadBytesResetsThePeer) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  sink.conns[0]->pause_reading(true);
  c->write("unread");
  world.run_until_idle(1000);
  EXPECT_TRUE(sink.recs[0]->data.empty());
  sink.conns[0]->close();
  world.run_until_idle(1000);
  EXPECT_EQ(client.reason, EndReason::kReset);

  Rec read_all;  // the same with everything read: an orderly FIN
  auto c2 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &read_all);
  world.run_until_idle(1000);
  c2->write("read");
  world.run_until_idle(1000);
  ASSERT_EQ(sink.recs.size(), 2u);
  EXPECT_EQ(sink.recs[1]->data, "read");
  sink.conns[1]->close();
  world.run_until_idle(1000);
  EXPECT_EQ(read_all.reason, EndReason::kClosedByPeer);
}

// A reader that paused with its window full never sees the FIN behind the
// bytes it left unread, so it cannot tell the peer closed; held_open() can.
TEST_F(SimNetTest, ClosedEndBehindAFullWindowIsNotHeldOpenThoughItLivesOn) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  ASSERT_EQ(sink.conns.size(), 1u);
  c->pause_reading(true);
  const std::uint64_t server_end = sink.conns[0]->id();
  ASSERT_EQ(world.network().peer_of(c->id()), server_end);
  EXPECT_TRUE(world.network().held_open(server_end));
  sink.conns[0]->write(payload(1 << 20));  // more than the receive window
  world.run_until_idle(100000);
  sink.conns[0]->close();
  world.run_until_idle(100000);
  EXPECT_FALSE(client.ended);
  EXPECT_FALSE(world.network().held_open(server_end));
  const auto live = world.network().live_connections();
  EXPECT_NE(std::find(live.begin(), live.end(), server_end), live.end()) << "it lives on to send the rest";
  c->pause_reading(false);  // reading again: the rest, then the FIN
  world.run_until_idle(100000);
  EXPECT_EQ(client.data.size(), std::size_t{1} << 20);
  EXPECT_TRUE(client.ended);
  EXPECT_EQ(client.reason, EndReason::kClosedByPeer);
}

TEST_F(SimNetTest, ListenerRestartResetsItsConnectionsThenComesBack) {
  auto l = listen_b();
  auto c = connect_b();
  world.run_until_idle(1000);
  world.network().restart_listener(b, Endpoint::tcp("", 80), millis(300));
  world.run_for(millis(100));
  EXPECT_EQ(client.reason, EndReason::kReset);
  EXPECT_EQ(sink.recs[0]->reason, EndReason::kReset);
  Rec during;
  auto c2 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &during);
  world.run_for(millis(50));
  EXPECT_EQ(during.reason, EndReason::kRefused);
  world.run_for(millis(300));
  Rec after;
  auto c3 = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &after);
  world.run_until_idle(1000);
  EXPECT_TRUE(after.connected);
}

TEST_F(SimNetTest, UnixEndpointsArePerHost) {
  auto l = world.net_for(b).listen(Endpoint::unix_path("/run/x.sock"), sink.acceptor());
  auto l2 = world.net_for(b).listen(Endpoint::unix_abstract("ab"), sink.acceptor());
  ASSERT_TRUE(l.ok());
  ASSERT_TRUE(l2.ok());
  Rec from_a, from_b, abs_b;
  auto c1 = world.net_for(a).connect(Endpoint::unix_path("/run/x.sock"), {}, &from_a);
  auto c2 = world.net_for(b).connect(Endpoint::unix_path("/run/x.sock"), {}, &from_b);
  auto c3 = world.net_for(b).connect(Endpoint::unix_abstract("ab"), {}, &abs_b);
  world.run_until_idle(1000);
  EXPECT_EQ(from_a.reason, EndReason::kRefused);
  EXPECT_TRUE(from_b.connected);
  EXPECT_TRUE(abs_b.connected);
  // Same path on another host is a different socket.
  EXPECT_TRUE(world.net_for(a).listen(Endpoint::unix_path("/run/x.sock"), sink.acceptor()).ok());
  EXPECT_FALSE(world.net_for(b).listen(Endpoint::unix_path("/run/x.sock"), sink.acceptor()).ok());
}

TEST_F(SimNetTest, SeededFaultPlanIsPrintableAndApplied) {
  FaultSpace space;
  space.hosts = {"a", "b"};
  space.listeners = {{"b", Endpoint::tcp("10.0.0.2", 80)}};
  space.names = {"b"};
  space.max_actions = 6;
  Rng r1(3), r2(3);
  const FaultPlan p1 = random_fault_plan(r1, space);
  const FaultPlan p2 = random_fault_plan(r2, space);
  EXPECT_EQ(p1.to_string(), p2.to_string());
  FaultPlan plan;
  FaultAction act;
  act.at = millis(5);
  act.kind = FaultKind::kRefuse;
  act.host = "b";
  act.endpoint = Endpoint::tcp("10.0.0.2", 80);
  act.duration = seconds(1);
  plan.actions.push_back(act);
  EXPECT_EQ(plan.to_string(), "  at=5000us refuse host=b endpoint=10.0.0.2:80 for=1000000us\n");
  auto l = listen_b();
  world.install(plan);
  world.run_for(millis(10));
  auto c = connect_b();
  world.run_until_idle(1000);
  EXPECT_EQ(client.reason, EndReason::kRefused);
  EXPECT_NE(world.trace().to_string().find("fault refuse b tcp:80"), std::string::npos);
}

TEST_F(SimNetTest, EchoClientAndServerRoundTrip) {
  EchoServer server(world, b, Endpoint::tcp("", 7));
  ASSERT_FALSE(server.start());
  EchoClientOptions o;
  o.to = Endpoint::tcp("b", 7);
  o.payload = 3000;
  EchoClient c(world, a, "c1", o);
  c.start();
  const RunResult r = world.run_until_idle(100000);
  EXPECT_TRUE(r.idle);
  EXPECT_TRUE(c.done());
  EXPECT_TRUE(world.violations().empty());
  EXPECT_EQ(server.bytes_echoed(), 3000u);
  EXPECT_EQ(world.network().end_count(), 0u) << "ends left after everything closed";
}

}  // namespace
}  // namespace ss::sim
