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

namespace ss::sim::peers {

class TlsServerNet final : public Net {
 public:
  TlsServerNet(Net& inner, TlsProvider& provider, TlsServerConfig config)
      : inner_(inner), provider_(provider), config_(std::move(config)) {}

  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override {
    return inner_.connect(to, options, handler);
  }
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) override {
    return inner_.listen(at, [this, on_accept = std::move(on_accept)](std::unique_ptr<Connection> c) {
      auto tls = proto::accept_tls(std::move(c), provider_, config_);
      if (tls) on_accept(std::move(*tls));
    });
  }
  ResolveId resolve(std::string_view name, ResolveCallback done) override {
    return inner_.resolve(name, std::move(done));
  }
  bool cancel_resolve(ResolveId id) override { return inner_.cancel_resolve(id); }

 private:
  Net& inner_;
  TlsProvider& provider_;
  TlsServerConfig config_;
};

}  // namespace ss::sim::peers
