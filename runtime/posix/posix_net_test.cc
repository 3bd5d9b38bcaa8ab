// PosixNet behaviour only the real network shows: IPv6, names resolved by
// c-ares from /etc/hosts, resets, listen errors. The shared contract is in
// runtime/core/testing (posix_conformance_test).
#include "runtime/posix/connection.h"
#include "runtime/posix/posix_net.h"
#include "runtime/posix/sockaddr.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "gtest/gtest.h"
#include "runtime/core/testing/recorder.h"

namespace ss::posix {
namespace {

// Records every callback (and flags contract breaks): the conformance suite's.
using Rec = ss::testing::Recorder;

class PosixNetTest : public ::testing::Test {
 protected:
  bool run_until(const std::function<bool()>& done, Micros budget = seconds(5)) {
    const Micros end = loop_.now() + budget;
    while (!done() && loop_.now() < end) loop_.run_once(millis(10));
    return done();
  }
  EpollLoop loop_;
  PosixNet net_{loop_};
};

TEST_F(PosixNetTest, Ipv6LoopbackEcho) {
  std::unique_ptr<Connection> accepted;
  Rec server;
  auto l = net_.listen(Endpoint::tcp("::1", 0), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
    accepted->set_handler(&server);
  });
  ASSERT_TRUE(l.ok()) << l.error().message();
  EXPECT_EQ((*l)->local().host, "::1");
  Rec client;
  auto conn = net_.connect((*l)->local(), {}, &client);
  conn->write("v6");
  ASSERT_TRUE(run_until([&] { return server.data == "v6"; }));
  EXPECT_EQ(conn->peer(), (*l)->local());
  EXPECT_EQ(accepted->peer().host, "::1");
}

// ConnectOptions::socket_priority / ip_tos land on the socket (what the
// policy's attr_priority and attr_* ToS hints become); TCP_NODELAY is on.
TEST_F(PosixNetTest, SocketAttributesAreApplied) {
  std::unique_ptr<Connection> accepted;
  Rec server;
  auto l = net_.listen(Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
    accepted->set_handler(&server);
  });
  ASSERT_TRUE(l.ok()) << l.error().message();
  Rec client;
  ConnectOptions o;
  o.socket_priority = 5;
  o.ip_tos = 0x10;
  auto conn = net_.connect((*l)->local(), o, &client);
  ASSERT_TRUE(run_until([&] { return client.connected; }));
  const int fd = dynamic_cast<SocketConnection&>(*conn).native_fd();
  ASSERT_GE(fd, 0);
  int v = -1;
  socklen_t len = sizeof v;
  ASSERT_EQ(getsockopt(fd, SOL_SOCKET, SO_PRIORITY, &v, &len), 0);
  EXPECT_EQ(v, 5);
  ASSERT_EQ(getsockopt(fd, IPPROTO_IP, IP_TOS, &v, &len), 0);
  EXPECT_EQ(v, 0x10);
  ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
  EXPECT_EQ(v, 1);
}

TEST_F(PosixNetTest, LocalhostResolvesThroughCaresAndConnects) {
  bool done = false;
  Result<std::vector<std::string>> got = make_error(ErrorCode::kInternal, "unset");
  net_.resolve("localhost", [&](Result<std::vector<std::string>> r) {
    got = std::move(r);
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_FALSE(got->empty());

  Rec server;
  std::unique_ptr<Connection> accepted;
  auto l = net_.listen(Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
    accepted->set_handler(&server);
  });
  ASSERT_TRUE(l.ok());
  Rec client;
  // "localhost" may list ::1 first, where nothing listens: the next address
  // is tried.
  auto conn = net_.connect(Endpoint::tcp("localhost", (*l)->local().port), {}, &client);
  conn->write("by name");
  ASSERT_TRUE(run_until([&] { return server.data == "by name" || client.ended; }));
  EXPECT_EQ(client.connected, 1);
  EXPECT_EQ(conn->peer().host, "127.0.0.1");
}

TEST_F(PosixNetTest, AbortiveCloseByPeerIsReset) {
  std::unique_ptr<Connection> accepted;
  int accepted_fd_port = 0;
  auto l = net_.listen(Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
  });
  ASSERT_TRUE(l.ok());
  (void)accepted_fd_port;
  // A raw socket peer that resets: SO_LINGER {1, 0} then close().
  Rec client;
  auto conn = net_.connect((*l)->local(), {}, &client);
  ASSERT_TRUE(run_until([&] { return accepted != nullptr && client.connected; }));
  // Close the client's own peer abortively from the server side by writing
  // unread data into a closed socket: the server closes with unread input,
  // which makes the kernel send RST.
  conn->write("unread by server");
  ASSERT_TRUE(run_until([&] { return conn->buffered() == 0; }));
  loop_.run_once(millis(20));
  accepted.reset();
  ASSERT_TRUE(run_until([&] { return client.ended; }));
  EXPECT_EQ(client.end_reason, EndReason::kReset) << end_reason_name(client.end_reason);
}

TEST_F(PosixNetTest, ListenErrorsAreReturnedNow) {
  auto a = net_.listen(Endpoint::tcp("127.0.0.1", 0), [](auto) {});
  ASSERT_TRUE(a.ok());
  auto b = net_.listen((*a)->local(), [](auto) {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code(), ErrorCode::kIo);
  auto name = net_.listen(Endpoint::tcp("localhost", 0), [](auto) {});
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().code(), ErrorCode::kInvalidArgument);
  auto path = net_.listen(Endpoint::unix_path(std::string(300, 'p')), [](auto) {});
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(PosixNetTest, UnixPathListenerRemovesItsSocketFile) {
  const std::string path = "/tmp/ss-posix-" + std::to_string(os_random_seed()) + ".sock";
  unlink(path.c_str());
  {
    auto l = net_.listen(Endpoint::unix_path(path), [](auto) {});
    ASSERT_TRUE(l.ok()) << l.error().message();
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

// peer() is asked of the kernel, not kept (docs/benchmarks.md): both ends
// of a unix connection name the listener's address (the client end is
// unnamed), for a path and an abstract name; a closed connection has none.
TEST_F(PosixNetTest, UnixPeerIsTheListenersAddressOnBothEnds) {
  const std::string tag = std::to_string(os_random_seed());
  const std::string path = "/tmp/ss-posix-peer-" + tag + ".sock";
  unlink(path.c_str());
  for (const Endpoint& at : {Endpoint::unix_path(path), Endpoint::unix_abstract("ss-peer-" + tag)}) {
    std::unique_ptr<Connection> accepted;
    Rec server;
    auto l = net_.listen(at, [&](std::unique_ptr<Connection> c) {
      accepted = std::move(c);
      accepted->set_handler(&server);
    });
    ASSERT_TRUE(l.ok()) << l.error().message();
    Rec client;
    auto conn = net_.connect(at, {}, &client);
    conn->write("hi");
    ASSERT_TRUE(run_until([&] { return server.data == "hi"; })) << to_string(at);
    EXPECT_EQ(conn->peer(), at);
    EXPECT_EQ(accepted->peer(), at);
    conn->close();
    EXPECT_EQ(conn->peer(), Endpoint{});
  }
}

TEST_F(PosixNetTest, ConnectTimeoutCoversAStalledConnect) {
  // A listener whose backlog is full and never accepts: further SYNs are
  // dropped, so connect() stays in progress until our timeout.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  auto sa = ip_sockaddr("127.0.0.1", 0);
  ASSERT_EQ(bind(fd, sa->get(), sa->length), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  SockAddr bound;
  bound.length = sizeof bound.storage;
  getsockname(fd, bound.get(), &bound.length);
  ConnectOptions opts;
  opts.connect_timeout = millis(200);
  std::vector<std::unique_ptr<Connection>> conns;
  std::vector<std::unique_ptr<Rec>> recs;
  for (int i = 0; i < 8; ++i) {
    recs.push_back(std::make_unique<Rec>());
    conns.push_back(net_.connect(to_endpoint(bound), opts, recs.back().get()));
  }
  ASSERT_TRUE(run_until([&] {
    for (auto& r : recs) {
      if (!r->connected && !r->ended) return false;
    }
    return true;
  }));
  int timed_out = 0;
  for (auto& r : recs) {
    if (r->ended) {
      EXPECT_EQ(r->end_reason, EndReason::kTimedOut) << end_reason_name(r->end_reason);
      ++timed_out;
    }
  }
  close(fd);
  if (timed_out == 0) GTEST_SKIP() << "this kernel accepted every SYN; no stalled connect to time out";
}

TEST(PosixRng, OsSeedsDiffer) {
  // Two 64-bit draws from getrandom colliding means it is broken.
  EXPECT_NE(os_random_seed(), os_random_seed());
}

}  // namespace
}  // namespace ss::posix

namespace ss::posix {
namespace {

TEST(PosixNetLimits, ListenerSurvivesRunningOutOfFds) {
  EpollLoop loop;
  PosixNet net(loop);
  int accepted = 0;
  std::vector<std::unique_ptr<Connection>> keep;
  auto l = net.listen(Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<Connection> c) {
    ++accepted;
    keep.push_back(std::move(c));
  });
  ASSERT_TRUE(l.ok());
  // A raw client (no callbacks: sanitizers need fds of their own to report,
  // so nothing may fail while the table is full). The kernel completes the
  // handshake without accept().
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto sa = ip_sockaddr("127.0.0.1", (*l)->local().port);
  ASSERT_EQ(::connect(client, sa->get(), sa->length), 0);
  // Keep the hogging cheap whatever the ulimit is.
  rlimit saved;
  getrlimit(RLIMIT_NOFILE, &saved);
  rlimit low = saved;
  if (low.rlim_cur > 512) low.rlim_cur = 512;
  setrlimit(RLIMIT_NOFILE, &low);
  std::vector<int> hog;
  for (;;) {
    const int fd = dup(client);
    if (fd < 0) break;
    hog.push_back(fd);
  }
  // accept4 now fails with EMFILE; the loop must not spin (a few turns run).
  std::size_t turns = 0;
  const Micros end = loop.now() + millis(150);
  while (loop.now() < end) {
    loop.run_once(millis(10));
    ++turns;
  }
  const int accepted_while_full = accepted;
  for (int fd : hog) close(fd);
  setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(accepted_while_full, 0);
  EXPECT_LT(turns, 1000u) << "accept spun on EMFILE";
  const Micros end2 = loop.now() + seconds(5);
  while (accepted == 0 && loop.now() < end2) loop.run_once(millis(10));
  EXPECT_EQ(accepted, 1);
  close(client);
}

}  // namespace
}  // namespace ss::posix

namespace ss::posix {
namespace {

TEST(PosixNetLimits, FullUnixBacklogIsRefused) {
  EpollLoop loop;
  NetOptions options;
  options.listen_backlog = 0;
  PosixNet net(loop, options);
  std::vector<std::unique_ptr<Connection>> accepted;
  const Endpoint at = Endpoint::unix_abstract("ss-backlog-" + std::to_string(os_random_seed()));
  auto l = net.listen(at, [&](std::unique_ptr<Connection> c) { accepted.push_back(std::move(c)); });
  ASSERT_TRUE(l.ok()) << l.error().message();
  struct Rec : ConnectionHandler {
    bool connected = false, ended = false;
    EndReason reason{};
    void on_connected() override { connected = true; }
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason r) override {
      ended = true;
      reason = r;
    }
  };
  // Unix connects complete (or fail) inside connect(); the loop does not
  // run in between, so the listener cannot drain its queue.
  std::vector<std::unique_ptr<Rec>> recs;
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < 8; ++i) {
    recs.push_back(std::make_unique<Rec>());
    conns.push_back(net.connect(at, {}, recs.back().get()));
  }
  const Micros end = loop.now() + seconds(5);
  auto settled = [&] {
    for (auto& r : recs) {
      if (!r->connected && !r->ended) return false;
    }
    return true;
  };
  while (!settled() && loop.now() < end) loop.run_once(millis(10));
  int refused = 0, connected = 0;
  for (auto& r : recs) {
    if (r->ended) {
      EXPECT_EQ(r->reason, EndReason::kRefused) << end_reason_name(r->reason);
      ++refused;
    }
    if (r->connected) ++connected;
  }
  EXPECT_GE(connected, 1);
  EXPECT_GE(refused, 1) << "the backlog never filled";
}

}  // namespace
}  // namespace ss::posix
