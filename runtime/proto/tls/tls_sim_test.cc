// TLS in the simulator (sim/world.h): a TLS client and a TLS echo server on
// two simulated hosts, with det_rand fed from a fork of the world's Rng and
// the verify time mapped from sim time onto a fixed epoch. The server's
// ciphertext is tapped into the trace, so equal trace hashes for equal seeds
// mean equal bytes on the (simulated) wire.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "runtime/proto/tls/det_rand.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/proto/tls/tls_connection.h"
#include "sim/world.h"

namespace ss::proto {
namespace {

constexpr std::int64_t kEpoch = 1767225600;  // sim time 0

// Records a digest of every byte the wrapped connection writes.
class Tap final : public Connection {
 public:
  Tap(std::unique_ptr<Connection> inner, sim::World& world)
      : inner_(std::move(inner)), world_(world) {}
  void set_handler(ConnectionHandler* h) override { inner_->set_handler(h); }
  bool write(std::span<const std::uint8_t> bytes) override {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::uint8_t b : bytes) h = (h ^ b) * 1099511628211ULL;
    world_.record("wire", std::to_string(bytes.size()) + " " + std::to_string(h));
    return inner_->write(bytes);
  }
  using Connection::write;
  std::size_t buffered() const override { return inner_->buffered(); }
  void shutdown_write() override { inner_->shutdown_write(); }
  void pause_reading(bool paused) override { inner_->pause_reading(paused); }
  void set_write_watermarks(std::size_t high, std::size_t low) override { inner_->set_write_watermarks(high, low); }
  void close() override { inner_->close(); }
  Endpoint peer() const override { return inner_->peer(); }
  std::uint64_t id() const override { return inner_->id(); }

 private:
  std::unique_ptr<Connection> inner_;
  sim::World& world_;
};

struct Handler : ConnectionHandler {
  std::function<void(std::span<const std::uint8_t>)> then_data;
  std::string data;
  bool connected = false;
  std::optional<EndReason> end;
  void on_connected() override { connected = true; }
  void on_data(std::span<const std::uint8_t> b) override {
    data.append(b.begin(), b.end());
    if (then_data) then_data(b);
  }
  void on_end(EndReason r) override { end = r; }
};

enum class Cert { kGood, kExpiredLater, kWrongHost };

struct Outcome {
  std::uint64_t hash = 0;
  std::string client_data;
  std::optional<EndReason> client_end;
  std::string tls_error;
  bool connected = false;
};

Outcome run(std::uint64_t seed, Cert which, std::int64_t start_offset_s = 0,
            std::size_t max_segment = 64 * 1024) {
  sim::WorldOptions wo;
  wo.seed = seed;
  wo.segmentation.max = max_segment;
  wo.link.bytes_per_second = 1'000'000;
  sim::World world(wo);
  ScopedDetRand det_rand(world.rng().fork(0x746c73));  // "tls"
  Outcome out;
  {
    const std::string host = "api.sim.example";
    const testing::TestPki pki = testing::make_test_pki(host, kEpoch);
    OpenSslTlsProvider::Options o;
    o.verify_time = [&world, start_offset_s] {
      return kEpoch + start_offset_s + world.now() / kMicrosPerSecond;
    };
    OpenSslTlsProvider provider(o);
    const int client_host = world.add_host("client");
    const int server_host = world.add_host(host);
    const testing::CertAndKey& id = which == Cert::kWrongHost ? pki.wrong_host : pki.good;

    Handler server;
    std::unique_ptr<TlsConnection> server_conn;
    auto listener = world.net_for(server_host).listen(
        Endpoint::tcp("0.0.0.0", 443), [&](std::unique_ptr<Connection> c) {
          TlsServerConfig sc;
          sc.cert_der = id.cert_der;
          sc.key_der = id.key_der;
          auto r = accept_tls(std::make_unique<Tap>(std::move(c), world), provider, sc);
          ASSERT_TRUE(r.ok());
          server_conn = std::move(r.value());
          server.then_data = [&](std::span<const std::uint8_t> b) { server_conn->write(b); };
          server_conn->set_handler(&server);
        });
    EXPECT_TRUE(listener.ok());

    Handler client;
    TlsClientConfig cc;
    cc.server_name = host;
    cc.trust_anchors_der = {pki.ca.cert_der};
    const std::string payload(20000, 'p');
    auto conn = connect_tls(world.net_for(client_host), provider, Endpoint::tcp(host, 443), {},
                            cc, &client);
    conn->write(payload);
    client.then_data = [&](std::span<const std::uint8_t>) {
      if (client.data.size() == payload.size()) conn->close();
    };
    const sim::RunResult r = world.run_until_idle(1'000'000);
    EXPECT_TRUE(r.idle);
    EXPECT_TRUE(world.violations().empty());
    out.client_data = client.data;
    out.client_end = client.end;
    out.connected = client.connected;
    out.tls_error = conn->tls_error().message();
    out.hash = world.trace().hash();
  }
  return out;
}

TEST(TlsSimTest, EchoOverSimulatedNetwork) {
  const Outcome o = run(1, Cert::kGood);
  EXPECT_TRUE(o.connected);
  EXPECT_EQ(o.client_data, std::string(20000, 'p'));
  EXPECT_FALSE(o.client_end.has_value()) << o.tls_error;  // we closed it
}

TEST(TlsSimTest, TinySegmentsStillCarryEverything) {
  for (std::uint64_t seed = 10; seed < 14; ++seed) {
    const Outcome o = run(seed, Cert::kGood, 0, 7);  // records split at random into 1..7 bytes
    EXPECT_TRUE(o.connected) << o.tls_error;
    EXPECT_EQ(o.client_data.size(), 20000u);
  }
}

TEST(TlsSimTest, SameSeedSameWireBytes) {
  const Outcome a = run(7, Cert::kGood);
  const Outcome b = run(7, Cert::kGood);
  const Outcome c = run(8, Cert::kGood);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(a.hash, c.hash);
}

TEST(TlsSimTest, WrongHostFailsWithReason) {
  const Outcome o = run(3, Cert::kWrongHost);
  EXPECT_FALSE(o.connected);
  ASSERT_TRUE(o.client_end.has_value());
  EXPECT_EQ(*o.client_end, EndReason::kTlsFailure);
  EXPECT_EQ(o.tls_error,
            "certificate verify failed: hostname mismatch (cert 0, subject CN=other.example)");
}

TEST(TlsSimTest, SimTimeDrivesExpiry) {
  // The same good certificate, with the run starting a year after the epoch.
  const Outcome o = run(3, Cert::kGood, 365 * 24 * 3600);
  ASSERT_TRUE(o.client_end.has_value());
  EXPECT_EQ(*o.client_end, EndReason::kTlsFailure);
  EXPECT_NE(o.tls_error.find("certificate has expired"), std::string::npos) << o.tls_error;
}

}  // namespace
}  // namespace ss::proto
