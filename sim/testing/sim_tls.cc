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
                                                   std::vector<std::string> alpn) {
  return std::make_unique<peers::TlsServerNet>(inner, provider(),
                                               TlsServerConfig{identity.cert_der, identity.key_der, {}, std::move(alpn)});
}

}  // namespace ss::sim::testing
