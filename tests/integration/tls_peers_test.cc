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
  EXPECT_EQ(conn->tls_error().message(),
            "certificate verify failed: unable to get local issuer certificate (cert 0, subject CN=localhost)");
  EXPECT_EQ(conn->end_detail(), conn->tls_error().message());
}

TEST_F(TlsPeersTest, WrongServerNameIsATlsFailure) {
  Rec rec;
  auto conn = proto::connect_tls(net_, tls_, to_, {}, config("not-this.example", true), &rec);
  ASSERT_TRUE(run_until([&] { return rec.ended; }));
  EXPECT_EQ(rec.connected, 0);
  EXPECT_EQ(rec.end_reason, EndReason::kTlsFailure);
  EXPECT_EQ(conn->tls_error().message(),
            "certificate verify failed: hostname mismatch (cert 0, subject CN=localhost)");
}

// nginx's bad certificates (peers.sh): each refusal names its reason.
TEST_F(TlsPeersTest, BadCertificatesSayWhy) {
  const struct {
    const char* port_env;
    const char* want;
  } cases[] = {
      {"SS_NGINX_EXPIRED_PORT", "certificate has expired (cert 0, subject CN=localhost)"},
      {"SS_NGINX_WRONGHOST_PORT", "hostname mismatch (cert 0, subject CN=wrong.example)"},
      {"SS_NGINX_SELFSIGNED_PORT", "self-signed certificate (cert 0, subject CN=localhost)"},
  };
  for (const auto& c : cases) {
    const char* port = std::getenv(c.port_env);
    ASSERT_NE(port, nullptr) << c.port_env;
    Rec rec;
    auto conn = proto::connect_tls(net_, tls_, Endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(std::atoi(port))),
                                   {}, config("localhost", true), &rec);
    ASSERT_TRUE(run_until([&] { return rec.ended; })) << c.port_env;
    EXPECT_EQ(rec.connected, 0) << c.port_env;
    EXPECT_EQ(rec.end_reason, EndReason::kTlsFailure) << c.port_env;
    EXPECT_EQ(conn->end_detail(), std::string("certificate verify failed: ") + c.want) << c.port_env;
  }
}

}  // namespace
}  // namespace ss::posix
