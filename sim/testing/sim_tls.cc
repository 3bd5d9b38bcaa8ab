#include "sim/testing/sim_tls.h"

namespace ss::sim::testing {

SimTls::SimTls(World& world) : world_(world), det_rand_(world.rng().fork(0x746c73)) {}

SimTls::~SimTls() = default;

proto::OpenSslTlsProvider& SimTls::provider() {
  if (!provider_) {
    proto::OpenSslTlsProvider::Options o;
    World* w = &world_;
    o.verify_time = [w] { return kEpoch + w->now() / kMicrosPerSecond; };
    provider_ = std::make_unique<proto::OpenSslTlsProvider>(o);
  }
  return *provider_;
}

std::unique_ptr<peers::TlsServerNet> SimTls::serve(Net& inner, const proto::testing::CertAndKey& identity,
                                                   std::string server_name, std::vector<std::string> alpn) {
  return std::make_unique<peers::TlsServerNet>(
      inner, provider(),
      TlsServerConfig{identity.cert_der, identity.key_der, {}, std::move(alpn), std::move(server_name)});
}

Net& SimTlsServer::serve(World& world, Net& plain, const std::string& host, const std::string& ca_name,
                         policy::Policy& pol, std::vector<std::string> alpn) {
  // The draws' order is part of the run: SimTls, the PKI, then the provider.
  tls_ = std::make_unique<SimTls>(world);
  const auto pki = proto::testing::make_test_pki(host, SimTls::kEpoch);
  provider_ = &tls_->provider();
  net_ = tls_->serve(plain, pki.good, host, std::move(alpn));
  pol.certs.push_back(policy::Cert{ca_name, pki.ca.cert_der, true});
  pol.trust_stores.push_back(policy::TrustStore{"sim", {0}});
  return *net_;
}

void SimTlsServer::reset() {
  net_.reset();
  provider_ = nullptr;
  tls_.reset();
}

}  // namespace ss::sim::testing
