// tls_client_config: what a streamtype's "tls" settings become.
#include "runtime/bind/tls/tls_transport.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ss::stream {
namespace {

struct Fixture {
  policy::Policy pol;
  policy::Streamtype st;
  SystemBlobs blobs;
  Endpoint to = Endpoint::tcp("api.example.com", 443);

  Fixture() {
    policy::Cert a;
    a.der = {1, 2, 3};
    policy::Cert b;
    b.der = {4, 5};
    pol.certs = {a, b};
    policy::TrustStore ts;
    ts.certs = {1, 0};
    pol.trust_stores = {ts};
    st.name = "s";
    st.tls = true;
  }
  Result<TlsClientConfig> config() const {
    return tls_client_config(TlsTarget{to, pol, st, blobs, {"h2", "http/1.1"}});
  }
};

TEST(TlsClientConfig, NoTrustStoreMeansTheSystemStore) {
  Fixture f;
  auto c = f.config();
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->server_name, "api.example.com");
  EXPECT_EQ(c->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_TRUE(c->use_system_trust);
  EXPECT_TRUE(c->trust_anchors_der.empty());
  EXPECT_TRUE(c->client_cert_der.empty());
}

TEST(TlsClientConfig, TrustStoreCertsInItsOrder) {
  Fixture f;
  f.st.trust_store = 0;
  auto c = f.config();
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->use_system_trust);
  ASSERT_EQ(c->trust_anchors_der.size(), 2u);
  EXPECT_EQ(c->trust_anchors_der[0], (std::vector<std::uint8_t>{4, 5}));
  EXPECT_EQ(c->trust_anchors_der[1], (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(TlsClientConfig, ATrustStoreThePolicyLacksFallsBackToTheSystemStore) {
  Fixture f;
  f.st.trust_store = 7;
  auto c = f.config();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->use_system_trust);
}

TEST(TlsClientConfig, ClientCertFromTheSystemBlobs) {
  Fixture f;
  f.st.client_cert = 2;  // blobs CLIENT_CERT_DER + 1, CLIENT_KEY_DER + 1
  const std::vector<std::uint8_t> cert = {9, 9};
  const std::vector<std::uint8_t> key = {8};
  ASSERT_TRUE(f.blobs.set(SystemBlobs::slot(BlobType::kClientCertDer, 1), cert));
  auto missing_key = f.config();
  ASSERT_FALSE(missing_key.ok());
  EXPECT_EQ(missing_key.error().message(), "client_cert 1: no client certificate/key in the system blobs");
  ASSERT_TRUE(f.blobs.set(SystemBlobs::slot(BlobType::kClientKeyDer, 1), key));
  auto c = f.config();
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->client_cert_der, cert);
  EXPECT_EQ(c->client_key_der, key);
}

}  // namespace
}  // namespace ss::stream
