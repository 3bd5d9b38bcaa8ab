// SimTls: real OpenSSL made replayable in one simulated run
// (docs/deterministic-tls.md): for its lifetime OpenSSL's randomness comes
// from a fork of the World's Rng, and its provider verifies certificates
// at kEpoch + the simulated time. Create it where the run's TLS starts,
// generate the run's certificates (proto::testing::make_test_pki), then
// take provider(): the order of those draws is part of the run. Destroy
// everything that uses TLS before it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/rng.h"
#include "runtime/proto/tls/det_rand.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "sim/peers/tls_server_net.h"
#include "sim/world.h"

namespace ss::sim::testing {

class SimTls {
 public:
  static constexpr std::int64_t kEpoch = 1767225600;  // 2026-01-01, the runs' wall clock at t=0

  explicit SimTls(World& world);
  ~SimTls();
  SimTls(const SimTls&) = delete;
  SimTls& operator=(const SimTls&) = delete;

  // Made on the first call.
  proto::OpenSslTlsProvider& provider();
  // A Net whose listeners serve TLS with `identity` over `inner`.
  // `alpn`: what the server selects from (e.g. {"h2"}); empty: no ALPN.
  std::unique_ptr<peers::TlsServerNet> serve(Net& inner, const proto::testing::CertAndKey& identity,
                                             std::vector<std::string> alpn = {});

 private:
  World& world_;
  proto::ScopedDetRand det_rand_;  // before provider_: outlives it
  std::unique_ptr<proto::OpenSslTlsProvider> provider_;
};

}  // namespace ss::sim::testing
