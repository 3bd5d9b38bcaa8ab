// OpenSslTlsProvider: verification outcomes and data flow, two sessions
// pumped in memory (testing/pump.h), certificates made at test time.
#include "runtime/proto/tls/openssl_tls.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "runtime/proto/tls/testing/pump.h"
#include "runtime/proto/tls/testing/test_certs.h"

namespace ss::proto {
namespace {

using testing::CertAndKey;
using testing::pump;
using testing::TestPki;

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z, the pinned verify time
const char kHost[] = "api.ss-test.example";

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string text(const std::vector<std::uint8_t>& b) { return {b.begin(), b.end()}; }

class TlsTest : public ::testing::TestWithParam<std::uint16_t> {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(testing::make_test_pki(kHost, kNow)); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  OpenSslTlsProvider::Options options() const {
    OpenSslTlsProvider::Options o;
    o.verify_time = [] { return kNow; };
    o.min_version = GetParam();
    o.max_version = GetParam();
    return o;
  }

  TlsClientConfig client_config() const {
    TlsClientConfig c;
    c.server_name = kHost;
    c.trust_anchors_der = {pki_->ca.cert_der};
    return c;
  }

  static TlsServerConfig server_config(const CertAndKey& id) {
    TlsServerConfig s;
    s.cert_der = id.cert_der;
    s.key_der = id.key_der;
    return s;
  }

  // Runs a handshake of `client` against a server presenting `id`.
  struct Pair {
    std::unique_ptr<TlsSession> client;
    std::unique_ptr<TlsSession> server;
  };
  Pair handshake(const TlsClientConfig& c, const CertAndKey& id,
                 OpenSslTlsProvider* provider = nullptr) {
    OpenSslTlsProvider local(options());
    OpenSslTlsProvider& p = provider != nullptr ? *provider : local;
    auto client = p.client(c);
    EXPECT_TRUE(client.ok()) << client.error().message();
    auto server = p.server(server_config(id));
    EXPECT_TRUE(server.ok()) << server.error().message();
    Pair pair{std::move(client.value()), std::move(server.value())};
    pump(*pair.client, *pair.server, nullptr);
    return pair;
  }

  void expect_refused(const CertAndKey& id, const std::string& reason, int depth,
                      const std::string& subject, TlsClientConfig c) {
    Pair p = handshake(c, id);
    EXPECT_EQ(p.client->status(), TlsStatus::kFailed);
    EXPECT_EQ(p.client->error().code(), ErrorCode::kTls);
    EXPECT_EQ(p.client->error().message(), "certificate verify failed: " + reason + " (cert " +
                                               std::to_string(depth) + ", subject " + subject +
                                               ")");
    // The client's alert reached the server, which failed too and says why.
    EXPECT_EQ(p.server->status(), TlsStatus::kFailed);
    EXPECT_NE(p.server->error().message().find("peer sent alert"), std::string::npos)
        << p.server->error().message();
  }

  static TestPki* pki_;
};

TestPki* TlsTest::pki_ = nullptr;

TEST_P(TlsTest, GoodChainHandshakesAndCarriesDataBothWays) {
  TlsClientConfig c = client_config();
  c.alpn = {"h2", "http/1.1"};
  OpenSslTlsProvider p(options());
  auto client = p.client(c);
  ASSERT_TRUE(client.ok()) << client.error().message();
  TlsServerConfig sc = server_config(pki_->good);
  sc.alpn = {"http/1.1"};
  auto server = p.server(sc);
  ASSERT_TRUE(server.ok()) << server.error().message();
  // Written before the handshake: held, then sent.
  (*client)->send_plaintext(bytes("GET / HTTP/1.1\r\n\r\n"));
  pump(**client, **server, nullptr);
  ASSERT_EQ((*client)->status(), TlsStatus::kEstablished) << (*client)->error().message();
  ASSERT_EQ((*server)->status(), TlsStatus::kEstablished) << (*server)->error().message();
  EXPECT_EQ((*client)->negotiated_alpn(), "http/1.1");
  EXPECT_EQ((*server)->negotiated_alpn(), "http/1.1");
  std::vector<std::uint8_t> got;
  (*server)->take_plaintext(&got);
  EXPECT_EQ(text(got), "GET / HTTP/1.1\r\n\r\n");

  std::string big(100000, 'x');
  (*server)->send_plaintext(bytes(big));
  pump(**client, **server, nullptr);
  got.clear();
  (*client)->take_plaintext(&got);
  EXPECT_EQ(text(got), big);

  // Orderly close: the peer sees kClosed.
  (*client)->close_notify();
  pump(**client, **server, nullptr);
  EXPECT_EQ((*server)->status(), TlsStatus::kClosed);
  EXPECT_TRUE((*server)->error().ok());
}

TEST_P(TlsTest, NoCommonAlpnMeansNoAlpn) {
  TlsClientConfig c = client_config();
  c.alpn = {"h2"};
  Pair p = handshake(c, pki_->good);
  ASSERT_EQ(p.client->status(), TlsStatus::kEstablished) << p.client->error().message();
  EXPECT_EQ(p.client->negotiated_alpn(), "");
}

TEST_P(TlsTest, ExpiredIsRefused) {
  expect_refused(pki_->expired, "certificate has expired", 0, std::string("CN=") + kHost,
                 client_config());
}

TEST_P(TlsTest, NotYetValidIsRefused) {
  expect_refused(pki_->not_yet_valid, "certificate is not yet valid", 0,
                 std::string("CN=") + kHost, client_config());
}

TEST_P(TlsTest, WrongHostIsRefused) {
  expect_refused(pki_->wrong_host, "hostname mismatch", 0, "CN=other.example", client_config());
}

TEST_P(TlsTest, UnknownCaIsRefused) {
  expect_refused(pki_->unknown_ca, "unable to get local issuer certificate", 0,
                 std::string("CN=") + kHost, client_config());
}

TEST_P(TlsTest, SelfSignedIsRefused) {
  expect_refused(pki_->self_signed, "self-signed certificate", 0, std::string("CN=") + kHost,
                 client_config());
}

TEST_P(TlsTest, WrongTrustStoreIsRefused) {
  TlsClientConfig c = client_config();
  c.trust_anchors_der = {pki_->other_ca.cert_der};
  expect_refused(pki_->good, "unable to get local issuer certificate", 0,
                 std::string("CN=") + kHost, c);
}

TEST_P(TlsTest, EmptyTrustStoreTrustsNothing) {
  TlsClientConfig c = client_config();
  c.trust_anchors_der.clear();
  expect_refused(pki_->good, "unable to get local issuer certificate", 0,
                 std::string("CN=") + kHost, c);
}

TEST_P(TlsTest, VerifyTimeDecidesExpiry) {
  // The good leaf, checked a year later, has expired.
  OpenSslTlsProvider::Options o = options();
  o.verify_time = [] { return kNow + 365 * 24 * 3600; };
  OpenSslTlsProvider p(o);
  Pair pair = handshake(client_config(), pki_->good, &p);
  EXPECT_EQ(pair.client->status(), TlsStatus::kFailed);
  EXPECT_NE(pair.client->error().message().find("certificate has expired (cert 0"),
            std::string::npos)
      << pair.client->error().message();
}

// TlsServerConfig::server_name: the server answers for that one name. A
// client whose SNI names it (in any case) gets through; one naming another
// host, or sending no SNI (an IP literal, verification off), is refused.
TEST_P(TlsTest, ServerNameIsRequiredAsSni) {
  auto run = [this](const std::string& client_name, bool verify) {
    OpenSslTlsProvider provider(options());
    TlsClientConfig c = client_config();
    c.server_name = client_name;
    c.verify_peer = verify;
    TlsServerConfig sc = server_config(pki_->good);
    sc.server_name = kHost;
    auto client = provider.client(c);
    auto server = provider.server(sc);
    EXPECT_TRUE(client.ok() && server.ok());
    pump(**client, **server, nullptr);
    return std::pair{(*client)->status(), (*server)->status()};
  };
  EXPECT_EQ(run(kHost, true).first, TlsStatus::kEstablished);
  std::string upper = kHost;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(run(upper, true).first, TlsStatus::kEstablished);
  for (const auto& [name, verify] : {std::pair<std::string, bool>{"other.ss-test.example", false},
                                     std::pair<std::string, bool>{"10.0.0.2", false}}) {
    const auto [client, server] = run(name, verify);
    EXPECT_EQ(client, TlsStatus::kFailed) << name;
    EXPECT_EQ(server, TlsStatus::kFailed) << name;
  }
}

TEST_P(TlsTest, VerifyOffAcceptsAnything) {
  TlsClientConfig c = client_config();
  c.verify_peer = false;
  c.trust_anchors_der.clear();
  Pair p = handshake(c, pki_->self_signed);
  EXPECT_EQ(p.client->status(), TlsStatus::kEstablished) << p.client->error().message();
}

TEST_P(TlsTest, ClientCertificateAcceptedWhenRequired) {
  OpenSslTlsProvider::Options o = options();
  o.client_ca_der = {pki_->ca.cert_der};
  OpenSslTlsProvider p(o);
  TlsClientConfig c = client_config();
  c.client_cert_der = pki_->client.cert_der;
  c.client_key_der = pki_->client.key_der;
  Pair pair = handshake(c, pki_->good, &p);
  EXPECT_EQ(pair.client->status(), TlsStatus::kEstablished) << pair.client->error().message();
  EXPECT_EQ(pair.server->status(), TlsStatus::kEstablished) << pair.server->error().message();
}

TEST_P(TlsTest, MissingClientCertificateIsRefused) {
  OpenSslTlsProvider::Options o = options();
  o.client_ca_der = {pki_->ca.cert_der};
  OpenSslTlsProvider p(o);
  Pair pair = handshake(client_config(), pki_->good, &p);
  EXPECT_EQ(pair.server->status(), TlsStatus::kFailed);
  EXPECT_NE(pair.server->error().message().find("certificate"), std::string::npos)
      << pair.server->error().message();
  EXPECT_EQ(pair.client->status(), TlsStatus::kFailed);
  EXPECT_NE(pair.client->error().message().find("peer sent alert"), std::string::npos)
      << pair.client->error().message();
}

TEST_P(TlsTest, ClientCertificateFromUnknownCaIsRefused) {
  OpenSslTlsProvider::Options o = options();
  o.client_ca_der = {pki_->ca.cert_der};
  OpenSslTlsProvider p(o);
  TlsClientConfig c = client_config();
  c.client_cert_der = pki_->unknown_ca.cert_der;
  c.client_key_der = pki_->unknown_ca.key_der;
  Pair pair = handshake(c, pki_->good, &p);
  EXPECT_EQ(pair.server->status(), TlsStatus::kFailed);
  EXPECT_NE(pair.server->error().message().find(
                "certificate verify failed: unable to get local issuer certificate (cert 0"),
            std::string::npos)
      << pair.server->error().message();
}

TEST_P(TlsTest, GarbageFromServerFailsCleanly) {
  OpenSslTlsProvider p(options());
  auto client = p.client(client_config());
  ASSERT_TRUE(client.ok());
  std::vector<std::uint8_t> hello;
  (*client)->take_ciphertext(&hello);
  EXPECT_FALSE(hello.empty());
  (*client)->receive_ciphertext(bytes("HTTP/1.1 400 Bad Request\r\n\r\n"));
  EXPECT_EQ((*client)->status(), TlsStatus::kFailed);
  EXPECT_EQ((*client)->error().message().rfind("TLS handshake failed: ", 0), 0u)
      << (*client)->error().message();
  // Later input is ignored.
  (*client)->receive_ciphertext(bytes("more"));
  EXPECT_EQ((*client)->status(), TlsStatus::kFailed);
}

TEST_P(TlsTest, IpLiteralIsCheckedAgainstIpAddresses) {
  testing::TestCa ca = testing::TestCa::make("ip root", kNow - 1000, kNow + 100000);
  testing::CertSpec spec;
  spec.common_name = "10.0.0.2";
  spec.ip_names = {"10.0.0.2"};
  spec.not_before = kNow - 1000;
  spec.not_after = kNow + 100000;
  const CertAndKey leaf = ca.issue(spec);
  TlsClientConfig c;
  c.server_name = "10.0.0.2";  // no SNI for literals; the IP SAN must match
  c.trust_anchors_der = {ca.self().cert_der};
  Pair ok = handshake(c, leaf);
  EXPECT_EQ(ok.client->status(), TlsStatus::kEstablished) << ok.client->error().message();
  c.server_name = "10.0.0.3";
  Pair bad = handshake(c, leaf);
  EXPECT_EQ(bad.client->status(), TlsStatus::kFailed);
  EXPECT_EQ(bad.client->error().message(),
            "certificate verify failed: IP address mismatch (cert 0, subject CN=10.0.0.2)");
}

TEST_P(TlsTest, IntermediateChainAndIntermediateAnchors) {
  testing::TestCa root = testing::TestCa::make("chain root", kNow - 1000, kNow + 100000);
  testing::CertSpec mid;
  mid.common_name = "chain intermediate";
  mid.not_before = kNow - 1000;
  mid.not_after = kNow + 100000;
  mid.is_ca = true;
  testing::TestCa inter = testing::TestCa::from(root.issue(mid));
  testing::CertSpec leaf;
  leaf.common_name = kHost;
  leaf.dns_names = {kHost};
  leaf.not_before = kNow - 1000;
  leaf.not_after = kNow + 100000;
  const CertAndKey id = inter.issue(leaf);
  OpenSslTlsProvider p(options());
  auto attempt = [&](std::vector<std::vector<std::uint8_t>> anchors, bool send_chain) {
    TlsClientConfig c = client_config();
    c.trust_anchors_der = std::move(anchors);
    TlsServerConfig sc = server_config(id);
    if (send_chain) sc.chain_der = {inter.self().cert_der};
    auto client = p.client(c);
    auto server = p.server(sc);
    EXPECT_TRUE(client.ok() && server.ok());
    pump(**client, **server, nullptr);
    return (*client)->status() == TlsStatus::kEstablished ? std::string("ok")
                                                          : (*client)->error().message();
  };
  EXPECT_EQ(attempt({root.self().cert_der}, true), "ok");    // leaf + intermediate -> root
  EXPECT_EQ(attempt({inter.self().cert_der}, false), "ok");  // the intermediate is an anchor
  EXPECT_EQ(attempt({root.self().cert_der}, false),          // missing intermediate
            std::string("certificate verify failed: unable to get local issuer certificate "
                        "(cert 0, subject CN=") + kHost + ")");
  EXPECT_NE(attempt({pki_->other_ca.cert_der}, true).find("unable to get local issuer"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Versions, TlsTest, ::testing::Values(0x0303, 0x0304),
                         [](const auto& info) {
                           return std::string(info.param == 0x0303 ? "Tls12" : "Tls13");
                         });

TEST(TlsConfigTest, BadConfigsAreNamed) {
  OpenSslTlsProvider p;
  TlsClientConfig c;
  auto r = p.client(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message().rfind("server_name:", 0), 0u);

  c.server_name = "x.example";
  c.trust_anchors_der = {{1, 2, 3}};
  r = p.client(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "trust_anchors_der[0]: not a DER certificate");

  c.trust_anchors_der.clear();
  c.alpn = {""};
  r = p.client(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().rfind("alpn[0]:", 0), 0u);

  TlsServerConfig s;
  auto sr = p.server(s);
  ASSERT_FALSE(sr.ok());
  EXPECT_EQ(sr.error().message(), "cert_der: not a DER certificate");
}

TEST(TlsConfigTest, SystemTrustLoadsAndRefusesOurTestCa) {
  const TestPki pki = testing::make_test_pki(kHost, kNow);
  OpenSslTlsProvider::Options o;
  o.verify_time = [] { return kNow; };
  OpenSslTlsProvider p(o);
  TlsClientConfig c;
  c.server_name = kHost;
  c.use_system_trust = true;
  auto client = p.client(c);
  ASSERT_TRUE(client.ok()) << client.error().message();
  TlsServerConfig sc;
  sc.cert_der = pki.good.cert_der;
  sc.key_der = pki.good.key_der;
  auto server = p.server(sc);
  ASSERT_TRUE(server.ok());
  pump(**client, **server, nullptr);
  EXPECT_EQ((*client)->status(), TlsStatus::kFailed);
  EXPECT_NE((*client)->error().message().find("unable to get local issuer certificate"),
            std::string::npos);
}

}  // namespace
}  // namespace ss::proto
