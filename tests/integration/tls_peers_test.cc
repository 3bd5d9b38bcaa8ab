// PosixNet + OpenSslTlsProvider (runtime/proto/tls) against nginx-light's
// HTTPS port, whose certificate comes from a CA made at test time
// (peers.sh: SS_NGINX_TLS_PORT, SS_TEST_CA_DER). Skipped without nginx.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/core/testing/recorder.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/tls_connection.h"

namespace ss::posix {
namespace {

// Records every callback (and flags contract breaks): the conformance suite's.
using Rec = ss::testing::Recorder;

class TlsPeersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* port = std::getenv("SS_NGINX_TLS_PORT");
    const char* ca = std::getenv("SS_TEST_CA_DER");
    if (port == nullptr || ca == nullptr) GTEST_SKIP() << "nginx not started";
    to_ = Endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(std::atoi(port)));
    std::ifstream in(ca, std::ios::binary);
    ca_der_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ASSERT_FALSE(ca_der_.empty());
  }
  bool run_until(const std::function<bool()>& done, Micros budget = seconds(10)) {
    const Micros end = loop_.now() + budget;
    while (!done() && loop_.now() < end) loop_.run_once(millis(10));
    return done();
  }
  TlsClientConfig config(std::string name, bool with_ca) {
    TlsClientConfig c;
    c.server_name = std::move(name);
    if (with_ca) c.trust_anchors_der.push_back(ca_der_);
    c.alpn = {"http/1.1"};
    return c;
  }

  EpollLoop loop_;
  PosixNet net_{loop_};
  proto::OpenSslTlsProvider tls_;
  Endpoint to_;
  std::vector<std::uint8_t> ca_der_;
};

TEST_F(TlsPeersTest, HttpsGetWithTheTestCa) {
  Rec rec;
  auto conn = proto::connect_tls(net_, tls_, to_, {}, config("localhost", true), &rec);
  conn->write("GET /index.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return rec.ended; }));
  EXPECT_EQ(rec.connected, 1) << conn->tls_error().message();
  EXPECT_EQ(rec.end_reason, EndReason::kClosedByPeer) << conn->tls_error().message();
  EXPECT_EQ(rec.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << rec.data;
  EXPECT_NE(rec.data.find("\r\n\r\nhello from nginx\n"), std::string::npos) << rec.data;
}

TEST_F(TlsPeersTest, UntrustedCaIsATlsFailure) {
  Rec rec;
  auto conn = proto::connect_tls(net_, tls_, to_, {}, config("localhost", false), &rec);
  ASSERT_TRUE(run_until([&] { return rec.ended; }));
  EXPECT_EQ(rec.connected, 0);
  EXPECT_EQ(rec.end_reason, EndReason::kTlsFailure);
  EXPECT_FALSE(conn->tls_error().ok());
}

TEST_F(TlsPeersTest, WrongServerNameIsATlsFailure) {
  Rec rec;
  auto conn = proto::connect_tls(net_, tls_, to_, {}, config("not-this.example", true), &rec);
  ASSERT_TRUE(run_until([&] { return rec.ended; }));
  EXPECT_EQ(rec.connected, 0);
  EXPECT_EQ(rec.end_reason, EndReason::kTlsFailure);
  EXPECT_NE(conn->tls_error().message(), "");
}

}  // namespace
}  // namespace ss::posix
