// Net seam conformance (net.h): linked with every backend.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/core/testing/recorder.h"
#include "runtime/core/testing/world.h"

namespace ss::testing {
namespace {

class NetConformance : public ::testing::Test {
 protected:
  std::unique_ptr<ConformanceWorld> world_ = make_conformance_world();
  std::vector<std::unique_ptr<Connection>> held_;

  std::unique_ptr<Listener> listen(const Endpoint& at, AcceptCallback cb) {
    auto r = world_->server().listen(at, std::move(cb));
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r.value()) : nullptr;
  }

  // Connects client -> `to`, writes `text` before the connection is up, and
  // expects the echo back.
  void expect_echo(const Endpoint& listen_at, bool tcp) {
    EchoServer server;
    auto listener = listen(listen_at, server.acceptor());
    ASSERT_NE(listener, nullptr);
    const Endpoint to = tcp ? world_->reachable(listener->local()) : listener->local();
    Recorder rec;
    auto conn = world_->client().connect(to, ConnectOptions{}, &rec);
    EXPECT_TRUE(conn->write("hello, "));
    EXPECT_TRUE(rec.events.empty()) << "callback ran inline";
    ASSERT_TRUE(world_->run_until([&] { return rec.connected == 1; }, seconds(5)));
    EXPECT_TRUE(conn->write("world"));
    ASSERT_TRUE(world_->run_until([&] { return rec.data.size() >= 12 || rec.ended; }, seconds(5)));
    EXPECT_EQ(rec.data, "hello, world");
    EXPECT_FALSE(rec.ended);
    ASSERT_EQ(server.peers.size(), 1u);
    EXPECT_EQ(server.peers[0]->seen, "hello, world");
    conn->close();
    ASSERT_TRUE(world_->run_until([&] { return server.peers[0]->ended; }, seconds(5)));
    EXPECT_EQ(server.peers[0]->reason, EndReason::kClosedByPeer);
    EXPECT_TRUE(rec.violations.empty()) << rec.violations.front();
    EXPECT_EQ(rec.events.front(), "connected");
    EXPECT_NE(rec.events.back(), "end") << "close() must be silent";
  }
};

TEST_F(NetConformance, TcpConnectAndEcho) { expect_echo(world_->tcp_listen_at(), true); }

TEST_F(NetConformance, UnixPathConnectAndEcho) {
  expect_echo(Endpoint::unix_path(world_->unix_path("echo")), false);
}

TEST_F(NetConformance, UnixAbstractConnectAndEcho) {
  expect_echo(Endpoint::unix_abstract(world_->abstract_name("echo")), false);
}

TEST_F(NetConformance, RefusedEndsWithKRefused) {
  Recorder rec;
  auto conn = world_->client().connect(world_->refused_endpoint(), ConnectOptions{}, &rec);
  EXPECT_TRUE(rec.events.empty());
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(5)));
  EXPECT_EQ(rec.end_reason, EndReason::kRefused) << end_reason_name(rec.end_reason);
  EXPECT_EQ(rec.connected, 0);
  EXPECT_EQ(rec.events, std::vector<std::string>{"end"});
}

TEST_F(NetConformance, UnixPathWithoutListenerIsRefused) {
  Recorder rec;
  auto conn = world_->client().connect(Endpoint::unix_path(world_->unix_path("nobody")),
                                       ConnectOptions{}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(5)));
  EXPECT_EQ(rec.end_reason, EndReason::kRefused) << end_reason_name(rec.end_reason);
}

TEST_F(NetConformance, ListenerOnPortZeroReportsTheRealPort) {
  EchoServer server;
  auto a = listen(world_->tcp_listen_at(), server.acceptor());
  auto b = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->local().port, 0);
  EXPECT_NE(b->local().port, 0);
  EXPECT_NE(a->local().port, b->local().port);
}

TEST_F(NetConformance, ListeningTwiceOnOneEndpointFails) {
  EchoServer server;
  auto a = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(a, nullptr);
  auto again = world_->server().listen(a->local(), server.acceptor());
  EXPECT_FALSE(again.ok());
  const Endpoint path = Endpoint::unix_path(world_->unix_path("twice"));
  auto p = listen(path, server.acceptor());
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(world_->server().listen(path, server.acceptor()).ok());
}

TEST_F(NetConformance, AcceptedConnectionIsSilentUntilSetHandler) {
  std::unique_ptr<Connection> accepted;
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
  });
  ASSERT_NE(listener, nullptr);
  Recorder client;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &client);
  conn->write("early");
  ASSERT_TRUE(world_->run_until([&] { return accepted != nullptr && client.connected; }, seconds(5)));
  world_->run_for(millis(20));
  Recorder server;
  accepted->set_handler(&server);
  ASSERT_TRUE(world_->run_until([&] { return server.data == "early"; }, seconds(5)));
  EXPECT_EQ(server.connected, 0) << "accepted connections do not get on_connected";
}

TEST_F(NetConformance, BackpressureThenOnWritable) {
  std::unique_ptr<Connection> accepted;
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);  // not reading yet: no handler
  });
  ASSERT_NE(listener, nullptr);
  ConnectOptions opts;
  opts.high_watermark = 16 * 1024;
  opts.low_watermark = 4 * 1024;
  Recorder client;
  auto conn = world_->client().connect(world_->reachable(listener->local()), opts, &client);
  ASSERT_TRUE(world_->run_until([&] { return client.connected == 1 && accepted; }, seconds(5)));
  const std::string chunk(64 * 1024, 'x');
  std::size_t written = 0;
  bool said_false = false;
  // The kernel (or simulated link) absorbs some bytes first; keep writing,
  // letting the loop turn, until write() says stop.
  for (int i = 0; i < 4096 && !said_false; ++i) {
    said_false = !conn->write(chunk);
    written += chunk.size();
    if (!said_false) world_->run_for(100);
  }
  ASSERT_TRUE(said_false) << "write() never reported backpressure";
  EXPECT_GE(conn->buffered(), opts.high_watermark);
  EXPECT_EQ(client.writable, 0);

  struct Drain : ConnectionHandler {
    std::size_t got = 0;
    void on_data(std::span<const std::uint8_t> b) override { got += b.size(); }
    void on_end(EndReason) override {}
  } drain;
  accepted->set_handler(&drain);
  std::size_t buffered_at_writable = 0;
  ASSERT_TRUE(world_->run_until(
      [&] {
        if (client.writable == 1 && buffered_at_writable == 0) {
          buffered_at_writable = conn->buffered() + 1;
        }
        return client.writable == 1;
      },
      seconds(20)));
  EXPECT_LE(buffered_at_writable, opts.low_watermark);
  ASSERT_TRUE(world_->run_until([&] { return drain.got == written; }, seconds(20)));
  EXPECT_EQ(client.writable, 1);
  EXPECT_TRUE(client.violations.empty());
}

TEST_F(NetConformance, PeerEofEndsWithClosedByPeer) {
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    c->write("bye");
    c->shutdown_write();
    held_.push_back(std::move(c));
  });
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(5)));
  EXPECT_EQ(rec.data, "bye");
  EXPECT_EQ(rec.end_reason, EndReason::kClosedByPeer);
  EXPECT_EQ(rec.read_closed, 0);
  EXPECT_EQ(rec.events.back(), "end");
  EXPECT_TRUE(rec.violations.empty());
  EXPECT_FALSE(conn->write("late")) << "writes after on_end are dropped";
}

TEST_F(NetConformance, HalfCloseKeepsTheConnectionWritable) {
  Recorder server;
  std::unique_ptr<Connection> accepted;
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
    accepted->set_handler(&server);
    accepted->write("bye");
    accepted->shutdown_write();
  });
  ASSERT_NE(listener, nullptr);
  ConnectOptions opts;
  opts.allow_half_close = true;
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), opts, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.read_closed == 1; }, seconds(5)));
  EXPECT_EQ(rec.data, "bye");
  EXPECT_FALSE(rec.ended);
  EXPECT_TRUE(conn->write("still here"));
  ASSERT_TRUE(world_->run_until([&] { return server.data == "still here"; }, seconds(5)));
  conn->shutdown_write();
  EXPECT_FALSE(conn->write("dropped"));
  ASSERT_TRUE(world_->run_until([&] { return server.ended; }, seconds(5)));
  EXPECT_EQ(server.end_reason, EndReason::kClosedByPeer);
  EXPECT_EQ(server.data, "still here");
  world_->run_for(millis(20));
  EXPECT_FALSE(rec.ended) << "half-closed connection ended by itself";
  EXPECT_TRUE(rec.violations.empty());
}

TEST_F(NetConformance, ShutdownWriteIsThePeersEof) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  conn->write("last words");
  conn->shutdown_write();
  EXPECT_FALSE(conn->write("dropped"));
  ASSERT_TRUE(world_->run_until([&] { return !server.peers.empty() && server.peers[0]->ended; },
                                seconds(5)));
  EXPECT_EQ(server.peers[0]->seen, "last words");
  EXPECT_EQ(server.peers[0]->reason, EndReason::kClosedByPeer);
  // The server's side ended, so ours sees its EOF in turn.
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(5)));
  EXPECT_EQ(rec.end_reason, EndReason::kClosedByPeer) << end_reason_name(rec.end_reason);
  EXPECT_TRUE(rec.violations.empty());
}

TEST_F(NetConformance, CloseIsFinalAndSilent) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.connected == 1; }, seconds(5)));
  conn->write("ping");
  ASSERT_TRUE(world_->run_until([&] { return !server.peers.empty() && !server.peers[0]->seen.empty(); },
                                seconds(5)));
  conn->close();  // the echo is in flight
  const std::size_t seen = rec.events.size();
  world_->run_for(millis(50));
  EXPECT_EQ(rec.events.size(), seen) << "a callback ran after close()";
  EXPECT_FALSE(conn->write("x"));
}

TEST_F(NetConformance, DestroyingTheConnectionInsideACallbackIsSafe) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  struct Killer : Recorder {
    std::unique_ptr<Connection>* conn = nullptr;
    void on_data(std::span<const std::uint8_t> b) override {
      Recorder::on_data(b);
      conn->reset();
    }
  } rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  rec.conn = &conn;
  conn->write("ping");
  ASSERT_TRUE(world_->run_until([&] { return conn == nullptr; }, seconds(5)));
  const std::size_t seen = rec.events.size();
  world_->run_for(millis(50));
  EXPECT_EQ(rec.events.size(), seen);
  EXPECT_FALSE(rec.ended);
}

TEST_F(NetConformance, ClosingBeforeConnectIsSilent) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  Recorder ok, refused;
  auto a = world_->client().connect(world_->reachable(listener->local()), {}, &ok);
  auto b = world_->client().connect(world_->refused_endpoint(), {}, &refused);
  a->close();
  b.reset();
  world_->run_for(millis(50));
  EXPECT_TRUE(ok.events.empty());
  EXPECT_TRUE(refused.events.empty());
}

TEST_F(NetConformance, ResolveLiteralIsItselfAndLater) {
  bool done = false;
  Result<std::vector<std::string>> got = make_error(ErrorCode::kInternal, "unset");
  world_->client().resolve("127.0.0.1", [&](Result<std::vector<std::string>> r) {
    done = true;
    got = std::move(r);
  });
  EXPECT_FALSE(done) << "resolve callback ran inline";
  ASSERT_TRUE(world_->run_until([&] { return done; }, seconds(5)));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got.value(), std::vector<std::string>{"127.0.0.1"});
}

TEST_F(NetConformance, ResolveNxdomainIsNotFound) {
  bool done = false;
  Result<std::vector<std::string>> got = std::vector<std::string>{};
  world_->client().resolve(world_->nxdomain_name(), [&](Result<std::vector<std::string>> r) {
    done = true;
    got = std::move(r);
  });
  EXPECT_FALSE(done);
  ASSERT_TRUE(world_->run_until([&] { return done; }, seconds(10)));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound) << got.error().message();
}

TEST_F(NetConformance, CancelledResolveNeverCallsBack) {
  int calls = 0;
  ResolveId id = world_->client().resolve("127.0.0.1", [&](auto) { ++calls; });
  EXPECT_TRUE(world_->client().cancel_resolve(id));
  EXPECT_FALSE(world_->client().cancel_resolve(id));
  world_->run_for(millis(50));
  EXPECT_EQ(calls, 0);
}

TEST_F(NetConformance, ConnectToNxdomainIsDnsFailure) {
  Recorder rec;
  auto conn = world_->client().connect(Endpoint::tcp(world_->nxdomain_name(), 80), {}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(10)));
  EXPECT_EQ(rec.end_reason, EndReason::kDnsFailure) << end_reason_name(rec.end_reason);
  EXPECT_EQ(rec.events, std::vector<std::string>{"end"});
}

TEST_F(NetConformance, LargeTransferArrivesWholeAndInOrder) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  std::string sent;
  for (int i = 0; i < 1024 * 1024; ++i) sent.push_back(static_cast<char>((i * 131) >> 3));
  for (std::size_t off = 0; off < sent.size(); off += 16 * 1024) {
    conn->write(std::string_view(sent).substr(off, 16 * 1024));
  }
  ASSERT_TRUE(world_->run_until([&] { return rec.data.size() >= sent.size() || rec.ended; },
                                seconds(30)));
  EXPECT_TRUE(rec.data == sent) << "echo differs; got " << rec.data.size() << " bytes";
  EXPECT_TRUE(rec.violations.empty());
}

TEST_F(NetConformance, ManyClientsEachGetTheirOwnBytes) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<Recorder>> recs;
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < kClients; ++i) {
    recs.push_back(std::make_unique<Recorder>());
    conns.push_back(world_->client().connect(world_->reachable(listener->local()), {},
                                             recs.back().get()));
    conns.back()->write("client " + std::to_string(i));
  }
  ASSERT_TRUE(world_->run_until(
      [&] {
        for (int i = 0; i < kClients; ++i) {
          if (recs[i]->data.size() < ("client " + std::to_string(i)).size()) return false;
        }
        return true;
      },
      seconds(10)));
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(recs[i]->data, "client " + std::to_string(i));
    ids.push_back(conns[i]->id());
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "connection ids repeat";
  EXPECT_EQ(server.peers.size(), static_cast<std::size_t>(kClients));
}

TEST_F(NetConformance, DestroyedListenerRefusesNewConnectionsOnly) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  const Endpoint to = world_->reachable(listener->local());
  Recorder old_rec;
  auto old_conn = world_->client().connect(to, {}, &old_rec);
  ASSERT_TRUE(world_->run_until([&] { return old_rec.connected == 1 && !server.peers.empty(); },
                                seconds(5)));
  listener.reset();
  Recorder new_rec;
  auto new_conn = world_->client().connect(to, {}, &new_rec);
  ASSERT_TRUE(world_->run_until([&] { return new_rec.ended; }, seconds(5)));
  EXPECT_EQ(new_rec.end_reason, EndReason::kRefused) << end_reason_name(new_rec.end_reason);
  old_conn->write("still echoing");
  ASSERT_TRUE(world_->run_until([&] { return old_rec.data == "still echoing"; }, seconds(5)));
  EXPECT_FALSE(old_rec.ended);
}

TEST_F(NetConformance, UnansweredConnectEndsWithTimedOut) {
  auto hole = world_->blackhole_endpoint();
  if (!hole) GTEST_SKIP() << "this backend cannot make an unanswered connect";
  ConnectOptions opts;
  opts.connect_timeout = millis(100);
  Recorder rec;
  const Micros start = world_->loop().now();
  auto conn = world_->client().connect(*hole, opts, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.ended; }, seconds(10)));
  EXPECT_EQ(rec.end_reason, EndReason::kTimedOut) << end_reason_name(rec.end_reason);
  EXPECT_GE(world_->loop().now() - start, opts.connect_timeout) << "timed out early";
  EXPECT_EQ(rec.events, std::vector<std::string>{"end"});
}

// The reader's pause: nothing arrives while paused, everything arrives in
// order after, and never inline from pause_reading(false).
TEST_F(NetConformance, PausedReaderGetsNothingThenEverythingInOrder) {
  EchoServer server;
  auto listener = listen(world_->tcp_listen_at(), server.acceptor());
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.connected == 1; }, seconds(5)));
  conn->pause_reading(true);
  std::string sent;
  for (int i = 0; i < 2000; ++i) sent += "line " + std::to_string(i) + "\n";
  conn->write(sent);
  ASSERT_TRUE(world_->run_until([&] { return !server.peers.empty() && server.peers[0]->seen.size() == sent.size(); },
                                seconds(5)));
  world_->run_for(millis(100));
  EXPECT_TRUE(rec.data.empty()) << "data delivered while paused";
  conn->pause_reading(false);
  EXPECT_TRUE(rec.data.empty()) << "resume delivered inline";
  ASSERT_TRUE(world_->run_until([&] { return rec.data.size() >= sent.size() || rec.ended; }, seconds(5)));
  EXPECT_EQ(rec.data, sent);
  EXPECT_TRUE(rec.violations.empty()) << rec.violations.front();
}

// A paused reader holds its sender back (TCP flow control), instead of
// buffering without bound; resuming lets every byte through, in order.
// An accepted connection paced by marks its owner sets (the SS proxy's
// rxflow marks): write() says stop at the new high mark, and on_writable()
// comes once the queue is below the new low mark.
TEST_F(NetConformance, AcceptedConnectionTakesNewWriteWatermarks) {
  struct Server : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    int writable = 0;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_writable() override { ++writable; }
    void on_end(EndReason) override {}
  } server;
  constexpr std::size_t kHigh = 8 * 1024, kLow = 2 * 1024;
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    server.conn = std::move(c);
    server.conn->set_write_watermarks(kHigh, kLow);
    server.conn->set_handler(&server);
  });
  ASSERT_NE(listener, nullptr);
  struct Reader : ConnectionHandler {
    std::size_t got = 0;
    bool connected = false;
    void on_connected() override { connected = true; }
    void on_data(std::span<const std::uint8_t> b) override { got += b.size(); }
    void on_end(EndReason) override {}
  } reader;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &reader);
  ASSERT_TRUE(world_->run_until([&] { return reader.connected && server.conn; }, seconds(5)));
  conn->pause_reading(true);  // the client stops reading: the server's queue grows
  const std::string chunk(4 * 1024, 'w');
  std::size_t written = 0;
  bool said_false = false;
  for (int i = 0; i < 100000 && !said_false; ++i) {
    said_false = !server.conn->write(chunk);
    written += chunk.size();
    if (!said_false) world_->run_for(100);
  }
  ASSERT_TRUE(said_false) << "write() never said stop at the new high mark";
  EXPECT_GE(server.conn->buffered(), kHigh);
  EXPECT_LT(server.conn->buffered(), kHigh + chunk.size());
  EXPECT_EQ(server.writable, 0);
  conn->pause_reading(false);
  std::size_t buffered_at_writable = 0;
  ASSERT_TRUE(world_->run_until(
      [&] {
        if (server.writable == 1 && buffered_at_writable == 0) buffered_at_writable = server.conn->buffered() + 1;
        return server.writable == 1;
      },
      seconds(20)));
  EXPECT_LE(buffered_at_writable, kLow);
  ASSERT_TRUE(world_->run_until([&] { return reader.got == written; }, seconds(20)));
}

TEST_F(NetConformance, PausedReaderSlowsItsSenderDown) {
  struct Sink : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    std::size_t got = 0;
    bool in_order = true;
    void on_data(std::span<const std::uint8_t> bytes) override {
      for (auto b : bytes) in_order &= b == static_cast<std::uint8_t>(got++ % 251);
    }
    void on_end(EndReason) override {}
  } sink;
  auto listener = listen(world_->tcp_listen_at(), [&](std::unique_ptr<Connection> c) {
    sink.conn = std::move(c);
    sink.conn->pause_reading(true);  // before the first byte
    sink.conn->set_handler(&sink);
  });
  ASSERT_NE(listener, nullptr);
  Recorder rec;
  auto conn = world_->client().connect(world_->reachable(listener->local()), {}, &rec);
  ASSERT_TRUE(world_->run_until([&] { return rec.connected == 1 && sink.conn; }, seconds(5)));
  constexpr std::size_t kTotal = 24u << 20;  // more than any socket buffer pair holds
  std::vector<std::uint8_t> chunk(64 * 1024);
  std::size_t written = 0;
  auto write_more = [&] {
    while (written < kTotal) {
      for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::uint8_t>((written + i) % 251);
      written += chunk.size();
      if (!conn->write(chunk)) break;
    }
  };
  auto keep_writing = [&] {
    if (rec.writable > 0) {
      rec.writable = 0;
      write_more();
    }
  };
  write_more();
  world_->run_until([&] { keep_writing(); return false; }, millis(300));
  EXPECT_EQ(sink.got, 0u) << "the paused reader got data";
  EXPECT_LT(written, kTotal) << "the sender was never told to wait";
  EXPECT_GT(conn->buffered(), 0u) << "the sender was not held back";
  sink.conn->pause_reading(false);
  ASSERT_TRUE(world_->run_until(
      [&] {
        keep_writing();
        return sink.got >= kTotal || rec.ended;
      },
      seconds(30)));
  EXPECT_EQ(sink.got, kTotal);
  EXPECT_TRUE(sink.in_order);
}

}  // namespace
}  // namespace ss::testing
