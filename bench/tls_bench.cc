// The sans-IO TLS layer (runtime/proto/tls, OpenSSL 3 over memory BIOs):
// full handshakes per second (client and server in this process, EC P-256
// certificates made at run time, verification on) and bulk plaintext
// through an established session, client to server. Both ends' CPU counts:
// a handshake figure is one client plus one server handshake.
//
//   bazel run -c opt //bench:tls_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <vector>

#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/pump.h"
#include "runtime/proto/tls/testing/test_certs.h"

namespace ss::proto {
namespace {

constexpr char kHost[] = "bench.ss-test.example";

struct Setup {
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  testing::TestPki pki = testing::make_test_pki(kHost, now);

  OpenSslTlsProvider::Options options(std::uint16_t version) const {
    OpenSslTlsProvider::Options o;
    const std::int64_t t = now;
    o.verify_time = [t] { return t; };
    o.min_version = version;
    o.max_version = version;
    return o;
  }
  TlsClientConfig client() const {
    TlsClientConfig c;
    c.server_name = kHost;
    c.trust_anchors_der = {pki.ca.cert_der};
    return c;
  }
  TlsServerConfig server() const {
    TlsServerConfig s;
    s.cert_der = pki.good.cert_der;
    s.key_der = pki.good.key_der;
    return s;
  }
};

const Setup& setup() {
  static const Setup* s = new Setup();
  return *s;
}

struct Pair {
  std::unique_ptr<TlsSession> client;
  std::unique_ptr<TlsSession> server;
};

// Returns false (and says why) unless both ends are established.
bool handshake(OpenSslTlsProvider& provider, Pair* pair, benchmark::State& state) {
  auto client = provider.client(setup().client());
  auto server = provider.server(setup().server());
  if (!client.ok() || !server.ok()) {
    state.SkipWithError("cannot make a TLS session");
    return false;
  }
  pair->client = std::move(client.value());
  pair->server = std::move(server.value());
  testing::pump(*pair->client, *pair->server, nullptr);
  if (pair->client->status() != TlsStatus::kEstablished || pair->server->status() != TlsStatus::kEstablished) {
    state.SkipWithError(pair->client->error().message().c_str());
    return false;
  }
  return true;
}

// Argument: the TLS version (0x0303 = 1.2, 0x0304 = 1.3).
void BM_TlsHandshake(benchmark::State& state) {
  OpenSslTlsProvider provider(setup().options(static_cast<std::uint16_t>(state.range(0))));
  for (auto _ : state) {
    Pair pair;
    if (!handshake(provider, &pair, state)) return;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TlsHandshake)->Arg(0x0303)->Arg(0x0304)->Unit(benchmark::kMicrosecond);

// Plaintext in 16 KiB writes, client -> server, TLS 1.3: encrypt, move
// the records, decrypt.
void BM_TlsBulk(benchmark::State& state) {
  OpenSslTlsProvider provider(setup().options(0x0304));
  Pair pair;
  if (!handshake(provider, &pair, state)) return;
  const std::vector<std::uint8_t> chunk(16 * 1024, 0x42);
  std::vector<std::uint8_t> plain;
  std::int64_t moved = 0;
  for (auto _ : state) {
    pair.client->send_plaintext(chunk);
    testing::pump(*pair.client, *pair.server, nullptr);
    plain.clear();
    moved += static_cast<std::int64_t>(pair.server->take_plaintext(&plain));
  }
  if (moved != state.iterations() * static_cast<std::int64_t>(chunk.size())) {
    state.SkipWithError("plaintext lost");
    return;
  }
  state.SetBytesProcessed(moved);
}
BENCHMARK(BM_TlsBulk);

}  // namespace
}  // namespace ss::proto
