// AresResolver over a real UDP socket: a tiny DNS responder on loopback,
// watched by the same EpollLoop, so the c-ares socket path (state callback,
// ares_process_fd, retransmit timer) is exercised without a DNS server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/posix/posix_net.h"

namespace ss::posix {
namespace {

// Answers "<anything>.found.test" A queries with 127.0.0.1 (AAAA: no data),
// everything else with NXDOMAIN; or stays silent when `mute`.
class FakeDns {
 public:
  explicit FakeDns(EpollLoop& loop) : loop_(loop) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    loop_.watch(fd_, EPOLLIN, [this](std::uint32_t) { answer(); });
  }
  ~FakeDns() {
    loop_.unwatch(fd_);
    close(fd_);
  }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  bool mute = false;
  int queries = 0;

 private:
  void answer() {
    std::uint8_t q[512];
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    const ssize_t n = recvfrom(fd_, q, sizeof q, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n < 12) return;
    ++queries;
    if (mute) return;
    // Question: QNAME labels, then QTYPE, QCLASS.
    std::size_t i = 12;
    std::string name;
    while (i < static_cast<std::size_t>(n) && q[i] != 0) {
      const std::size_t len = q[i];
      if (!name.empty()) name += '.';
      name.append(reinterpret_cast<const char*>(q + i + 1), len);
      i += len + 1;
    }
    const std::size_t qend = i + 1 + 4;
    if (qend > static_cast<std::size_t>(n)) return;
    const std::uint16_t qtype = static_cast<std::uint16_t>(q[i + 1] << 8 | q[i + 2]);
    const bool found = name.size() > 11 && name.substr(name.size() - 11) == ".found.test";
    std::vector<std::uint8_t> r(q, q + qend);
    r[2] = 0x81;  // QR, RD
    r[3] = static_cast<std::uint8_t>(0x80 | (found ? 0 : 3));  // RA, NOERROR/NXDOMAIN
    r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
    if (found && qtype == 1) {
      r[7] = 1;  // ANCOUNT
      const std::uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1};
      r.insert(r.end(), rr, rr + sizeof rr);
    }
    sendto(fd_, r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
  }

  EpollLoop& loop_;
  int fd_;
  std::uint16_t port_;
};

class DnsTest : public ::testing::Test {
 protected:
  Result<std::vector<std::string>> resolve(PosixNet& net, const std::string& name) {
    bool done = false;
    Result<std::vector<std::string>> got = make_error(ErrorCode::kInternal, "unset");
    net.resolve(name, [&](Result<std::vector<std::string>> r) {
      got = std::move(r);
      done = true;
    });
    EXPECT_FALSE(done) << "resolve callback ran inline";
    const Micros end = loop_.now() + seconds(10);
    while (!done && loop_.now() < end) loop_.run_once(millis(10));
    EXPECT_TRUE(done);
    return got;
  }
  NetOptions options(Micros timeout, int tries) {
    NetOptions o;
    o.dns.servers = dns_.server();
    o.dns.timeout = timeout;
    o.dns.tries = tries;
    return o;
  }
  EpollLoop loop_;
  FakeDns dns_{loop_};
};

TEST_F(DnsTest, AnswerFromTheServer) {
  PosixNet net(loop_, options(seconds(2), 2));
  auto r = resolve(net, "www.found.test");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r.value(), std::vector<std::string>{"127.0.0.1"});
  EXPECT_GE(dns_.queries, 1);
}

TEST_F(DnsTest, NxdomainFromTheServerIsNotFound) {
  PosixNet net(loop_, options(seconds(2), 2));
  auto r = resolve(net, "nope.example.test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound) << r.error().message();
}

TEST_F(DnsTest, SilentServerTimesOutAsIoAfterRetries) {
  dns_.mute = true;
  PosixNet net(loop_, options(millis(100), 2));
  auto r = resolve(net, "www.found.test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kIo) << r.error().message();
  EXPECT_GE(dns_.queries, 2) << "c-ares retransmits through the loop timer";
}

TEST_F(DnsTest, ConnectByNameUsesTheResolver) {
  PosixNet net(loop_, options(seconds(2), 2));
  struct Accepting {
    std::unique_ptr<Connection> conn;
  } server;
  auto l = net.listen(Endpoint::tcp("127.0.0.1", 0),
                      [&](std::unique_ptr<Connection> c) { server.conn = std::move(c); });
  ASSERT_TRUE(l.ok());
  struct Rec : ConnectionHandler {
    int connected = 0;
    bool ended = false;
    EndReason reason{};
    void on_connected() override { ++connected; }
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason r) override {
      ended = true;
      reason = r;
    }
  } ok, nx;
  auto a = net.connect(Endpoint::tcp("svc.found.test", (*l)->local().port), {}, &ok);
  auto b = net.connect(Endpoint::tcp("svc.missing.test", 80), {}, &nx);
  const Micros end = loop_.now() + seconds(10);
  while ((!ok.connected || !nx.ended) && loop_.now() < end) loop_.run_once(millis(10));
  EXPECT_EQ(ok.connected, 1);
  EXPECT_EQ(a->peer(), Endpoint::tcp("127.0.0.1", (*l)->local().port));
  ASSERT_TRUE(nx.ended);
  EXPECT_EQ(nx.reason, EndReason::kDnsFailure);
}

// c-ares starts at the first name needing a query: with an unusable server
// list, IP literals still resolve, and each name fails with kIo saying why.
TEST_F(DnsTest, BadServerListFailsNamesNotLiterals) {
  NetOptions o = options(seconds(2), 1);
  o.dns.servers = "not a server list";
  PosixNet net(loop_, o);
  auto lit = resolve(net, "127.0.0.1");
  ASSERT_TRUE(lit.ok()) << lit.error().message();
  EXPECT_EQ(lit.value(), std::vector<std::string>{"127.0.0.1"});
  for (int i = 0; i < 2; ++i) {
    auto r = resolve(net, "www.found.test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kIo);
    EXPECT_NE(r.error().message().find("DNS servers \"not a server list\""), std::string::npos)
        << r.error().message();
  }
  EXPECT_EQ(dns_.queries, 0);
}

TEST_F(DnsTest, DestroyingTheNetWithAQueryInFlightIsSilent) {
  dns_.mute = true;
  int calls = 0;
  {
    PosixNet net(loop_, options(seconds(5), 1));
    net.resolve("www.found.test", [&](auto) { ++calls; });
    loop_.run_once(millis(20));
  }
  for (int i = 0; i < 5; ++i) loop_.run_once(millis(5));
  EXPECT_EQ(calls, 0);
}

TEST_F(DnsTest, DestroyingTheNetWithADeliveryPostedIsSilent) {
  int calls = 0;
  {
    PosixNet net(loop_, options(seconds(5), 1));
    net.resolve("127.0.0.1", [&](auto) { ++calls; });        // posted at once
    net.resolve("x.invalid", [&](auto) { ++calls; });        // posted at once
  }
  for (int i = 0; i < 3; ++i) loop_.run_once(0);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace ss::posix
