// TlsServerNet: a Net whose listeners hand out TLS server connections, so
// any peer written against Net (HttpServer, WsEchoServer) serves HTTPS /
// WSS unchanged. Accepted connections are wrapped with accept_tls; one the
// provider cannot wrap (bad certificate or key) is dropped. Connecting and
// resolving pass through to the inner Net untouched.
#pragma once

#include <memory>
#include <utility>

#include "runtime/core/net.h"
#include "runtime/core/tls.h"
#include "runtime/proto/tls/tls_connection.h"
#include "sim/peers/pass_through_net.h"

namespace ss::sim::peers {

class TlsServerNet final : public PassThroughNet {
 public:
  TlsServerNet(Net& inner, TlsProvider& provider, TlsServerConfig config)
      : PassThroughNet(inner), provider_(provider), config_(std::move(config)) {}

 private:
  void accepted(std::unique_ptr<Connection> c, const AcceptCallback& on_accept) override {
    auto tls = proto::accept_tls(std::move(c), provider_, config_);
    if (tls) on_accept(std::move(*tls));
  }

  TlsProvider& provider_;
  TlsServerConfig config_;
};

}  // namespace ss::sim::peers
