// det_rand: with the same seed, a full handshake + data exchange produces
// byte-identical ciphertext in both directions (keys, certificates and all);
// another seed gives other bytes; uninstalling restores real randomness.
#include "runtime/proto/tls/det_rand.h"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/pump.h"
#include "runtime/proto/tls/testing/test_certs.h"

namespace ss::proto {
namespace {

constexpr std::int64_t kEpoch = 1767225600;  // sim time 0 maps here

struct RunResult {
  testing::Wire wire;
  std::string client_got;
  std::string server_got;
};

// One simulated run: everything created after seeding, in a fixed order.
RunResult run(std::uint64_t seed, std::uint16_t version) {
  ScopedDetRand det(seed);
  EXPECT_TRUE(det_rand_installed());
  const testing::TestPki pki = testing::make_test_pki("sim.example", kEpoch);
  OpenSslTlsProvider::Options o;
  o.verify_time = [] { return kEpoch + 10; };
  o.min_version = version;
  o.max_version = version;
  OpenSslTlsProvider provider(o);
  TlsClientConfig c;
  c.server_name = "sim.example";
  c.trust_anchors_der = {pki.ca.cert_der};
  c.alpn = {"http/1.1"};
  TlsServerConfig s;
  s.cert_der = pki.good.cert_der;
  s.key_der = pki.good.key_der;
  s.alpn = {"http/1.1"};
  auto client = provider.client(c);
  auto server = provider.server(s);
  EXPECT_TRUE(client.ok() && server.ok());
  RunResult out;
  const std::string request = "GET /status HTTP/1.1\r\nHost: sim.example\r\n\r\n";
  (*client)->send_plaintext({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
  testing::pump(**client, **server, &out.wire);
  EXPECT_EQ((*client)->status(), TlsStatus::kEstablished) << (*client)->error().message();
  const std::string reply(5000, 'r');
  (*server)->send_plaintext({reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()});
  (*server)->close_notify();
  testing::pump(**client, **server, &out.wire);
  std::vector<std::uint8_t> got;
  (*client)->take_plaintext(&got);
  out.client_got.assign(got.begin(), got.end());
  got.clear();
  (*server)->take_plaintext(&got);
  out.server_got.assign(got.begin(), got.end());
  EXPECT_EQ((*client)->status(), TlsStatus::kClosed);
  return out;
}

class DetRandTest : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(DetRandTest, SameSeedSameCiphertext) {
  const RunResult a = run(42, GetParam());
  const RunResult b = run(42, GetParam());
  ASSERT_FALSE(a.wire.client_to_server.empty());
  ASSERT_FALSE(a.wire.server_to_client.empty());
  EXPECT_EQ(a.wire.client_to_server, b.wire.client_to_server);
  EXPECT_EQ(a.wire.server_to_client, b.wire.server_to_client);
  EXPECT_EQ(a.client_got, std::string(5000, 'r'));
  EXPECT_EQ(a.server_got, b.server_got);
}

TEST_P(DetRandTest, OtherSeedOtherCiphertext) {
  const RunResult a = run(42, GetParam());
  const RunResult b = run(43, GetParam());
  EXPECT_NE(a.wire.client_to_server, b.wire.client_to_server);
  EXPECT_NE(a.wire.server_to_client, b.wire.server_to_client);
  EXPECT_EQ(a.client_got, b.client_got);  // same plaintext all the same
}

TEST_P(DetRandTest, InterleavedSeedsStayReproducible) {
  const RunResult a1 = run(7, GetParam());
  run(8, GetParam());
  const RunResult a2 = run(7, GetParam());
  EXPECT_EQ(a1.wire.server_to_client, a2.wire.server_to_client);
}

INSTANTIATE_TEST_SUITE_P(Versions, DetRandTest, ::testing::Values(0x0303, 0x0304),
                         [](const auto& info) {
                           return std::string(info.param == 0x0303 ? "Tls12" : "Tls13");
                         });

TEST(DetRandBasics, UninstallRestoresRealRandomness) {
  std::array<unsigned char, 32> a{};
  std::array<unsigned char, 32> b{};
  {
    ScopedDetRand det(1);
    ASSERT_EQ(RAND_bytes(a.data(), a.size()), 1);
  }
  {
    ScopedDetRand det(1);
    ASSERT_EQ(RAND_bytes(b.data(), b.size()), 1);
  }
  EXPECT_EQ(a, b);
  EXPECT_FALSE(det_rand_installed());
  ASSERT_EQ(RAND_bytes(a.data(), a.size()), 1);
  ASSERT_EQ(RAND_bytes(b.data(), b.size()), 1);
  EXPECT_NE(a, b);
}

std::array<unsigned char, 16> draw() {
  std::array<unsigned char, 16> out{};
  EXPECT_EQ(RAND_bytes(out.data(), out.size()), 1);
  return out;
}

TEST(DetRandBasics, InnerScopeServesThenOuterResumes) {
  Rng outer_alone(5);
  std::array<unsigned char, 16> expect_first{};
  std::array<unsigned char, 16> expect_second{};
  outer_alone.fill(expect_first);
  outer_alone.fill(expect_second);
  ScopedDetRand outer(5);
  EXPECT_EQ(draw(), expect_first);
  {
    Rng inner_rng(6);
    ScopedDetRand inner(&inner_rng);
    std::array<unsigned char, 16> expect_inner{};
    Rng(6).fill(expect_inner);
    EXPECT_EQ(draw(), expect_inner);
  }
  EXPECT_TRUE(det_rand_installed());
  EXPECT_EQ(draw(), expect_second);  // the outer generator went on where it was
}

TEST(DetRandBasics, OuterScopeEndingFirstLeavesTheInnerServing) {
  auto outer = std::make_unique<ScopedDetRand>(5);
  ScopedDetRand inner(6);
  std::array<unsigned char, 16> expect{};
  Rng(6).fill(expect);
  outer.reset();
  EXPECT_TRUE(det_rand_installed());
  EXPECT_EQ(draw(), expect);
}

// A test body that stops at a failed ASSERT_* returns early from here.
void returns_early(bool* reached_end) {
  ScopedDetRand det(9);
  ASSERT_TRUE(det_rand_installed());
  if (det.installed()) return;
  *reached_end = true;
}

TEST(DetRandBasics, EarlyReturnUninstalls) {
  bool reached_end = false;
  returns_early(&reached_end);
  EXPECT_FALSE(reached_end);
  EXPECT_FALSE(det_rand_installed());
}

TEST(DetRandBasics, ThrowUninstalls) {
  try {
    ScopedDetRand det(9);
    ASSERT_TRUE(det_rand_installed());
    throw std::runtime_error("a failing helper");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(det_rand_installed());
  // OpenSSL's own randomness serves again: two draws differ.
  EXPECT_NE(draw(), draw());
}

}  // namespace
}  // namespace ss::proto
