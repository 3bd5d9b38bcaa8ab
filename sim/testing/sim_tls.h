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
#include "runtime/policy/policy.h"
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
  // `server_name`: the host name the server is for; like a server hosting
  // several names on one address it refuses a client whose SNI does not
  // name it (TlsServerConfig::server_name). `alpn`: what the server
  // selects from (e.g. {"h2"}); empty: no ALPN.
  std::unique_ptr<peers::TlsServerNet> serve(Net& inner, const proto::testing::CertAndKey& identity,
                                             std::string server_name, std::vector<std::string> alpn = {});

 private:
  World& world_;
  proto::ScopedDetRand det_rand_;  // before provider_: outlives it
  std::unique_ptr<proto::OpenSslTlsProvider> provider_;
};

// The one TLS server of a scenario run (h2, mqtt, ws): its SimTls, a PKI
// for the server's host name, the Net that serves TLS over the host's
// plain Net, and the policy's trust in the PKI's CA (certificate 0 in
// trust store "sim"). reset() takes it down in the order SimTls needs;
// the streams and the server peer go first.
class SimTlsServer {
 public:
  // Returns the Net the server peer listens on. `ca_name` names the CA's
  // certificate in the policy; `alpn` as in SimTls::serve.
  Net& serve(World& world, Net& plain, const std::string& host, const std::string& ca_name, policy::Policy& pol,
             std::vector<std::string> alpn = {});
  // The client's provider: null until serve().
  proto::OpenSslTlsProvider* provider() const { return provider_; }
  void reset();

 private:
  std::unique_ptr<SimTls> tls_;
  proto::OpenSslTlsProvider* provider_ = nullptr;  // tls_'s
  std::unique_ptr<peers::TlsServerNet> net_;
};

}  // namespace ss::sim::testing
