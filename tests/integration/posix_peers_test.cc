// PosixNet against real peers on loopback (started by peers.sh):
//   socat TCP echo, nginx-light (HTTP, hand-written GET), a python3-websockets
//   echo server (hand-written upgrade request).
// Ports come from the environment (SS_SOCAT_PORT, ...); a test whose peer
// was not started is skipped.
#include <cstdlib>
#include <functional>
#include <string>

#include "gtest/gtest.h"
#include "runtime/core/testing/recorder.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

namespace ss::posix {
namespace {

int env_port(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : 0;
}

// Records every callback (and flags contract breaks): the conformance suite's.
using Rec = ss::testing::Recorder;

class PeersTest : public ::testing::Test {
 protected:
  bool run_until(const std::function<bool()>& done, Micros budget = seconds(10)) {
    const Micros end = loop_.now() + budget;
    while (!done() && loop_.now() < end) loop_.run_once(millis(10));
    return done();
  }
  EpollLoop loop_;
  PosixNet net_{loop_};
};

TEST_F(PeersTest, SocatEchoesEveryByte) {
  const int port = env_port("SS_SOCAT_PORT");
  if (port == 0) GTEST_SKIP() << "socat not started";
  for (const char* host : {"127.0.0.1", "localhost"}) {
    Rec rec;
    auto conn = net_.connect(Endpoint::tcp(host, static_cast<std::uint16_t>(port)), {}, &rec);
    std::string sent;
    for (int i = 0; i < 300 * 1024; ++i) sent.push_back(static_cast<char>('a' + i % 26));
    conn->write(sent);
    ASSERT_TRUE(run_until([&] { return rec.data.size() >= sent.size() || rec.ended; })) << host;
    EXPECT_EQ(rec.connected, 1);
    EXPECT_TRUE(rec.data == sent) << host << ": echo differs (" << rec.data.size() << " bytes)";
    conn->shutdown_write();  // socat's PIPE ends after our EOF
    ASSERT_TRUE(run_until([&] { return rec.ended; })) << host;
    EXPECT_EQ(rec.end_reason, EndReason::kClosedByPeer);
  }
}

TEST_F(PeersTest, NginxAnswersAHandWrittenGet) {
  const int port = env_port("SS_NGINX_PORT");
  if (port == 0) GTEST_SKIP() << "nginx not started";
  Rec rec;
  auto conn = net_.connect(Endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(port)), {}, &rec);
  conn->write("GET /index.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return rec.ended; }));
  EXPECT_EQ(rec.end_reason, EndReason::kClosedByPeer);
  EXPECT_EQ(rec.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << rec.data;
  EXPECT_NE(rec.data.find("\r\n\r\nhello from nginx\n"), std::string::npos) << rec.data;
}

TEST_F(PeersTest, NginxTlsPortAcceptsTcp) {
  const int port = env_port("SS_NGINX_TLS_PORT");
  if (port == 0) GTEST_SKIP() << "nginx not started";
  ASSERT_NE(std::getenv("SS_TEST_CA"), nullptr);
  Rec rec;
  auto conn = net_.connect(Endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(port)), {}, &rec);
  ASSERT_TRUE(run_until([&] { return rec.connected == 1 || rec.ended; }));
  EXPECT_EQ(rec.connected, 1);
}

TEST_F(PeersTest, WebsocketsServerAcceptsAHandWrittenUpgrade) {
  const int port = env_port("SS_WS_PORT");
  if (port == 0) GTEST_SKIP() << "ws echo not started";
  Rec rec;
  auto conn = net_.connect(Endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(port)), {}, &rec);
  // RFC 6455 §1.3's sample key and its accept value.
  conn->write(
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return rec.data.find("\r\n\r\n") != std::string::npos || rec.ended; }));
  EXPECT_EQ(rec.data.rfind("HTTP/1.1 101", 0), 0u) << rec.data;
  EXPECT_NE(rec.data.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << rec.data;
  const std::size_t head = rec.data.find("\r\n\r\n") + 4;
  // One masked text frame "hi" (mask 0x01020304); the echo comes back unmasked.
  const std::uint8_t frame[] = {0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 'h' ^ 0x01, 'i' ^ 0x02};
  conn->write(std::span<const std::uint8_t>(frame, sizeof frame));
  ASSERT_TRUE(run_until([&] { return rec.data.size() >= head + 4 || rec.ended; }));
  EXPECT_EQ(rec.data.substr(head, 4), std::string("\x81\x02hi", 4));
}

}  // namespace
}  // namespace ss::posix
