// PassThroughNet: a Net that hands connecting, listening and resolving to an
// inner Net and gives each connection its listeners accept to accepted(),
// which may wrap it before passing it on (TlsServerNet wraps it in TLS,
// sim/scenarios/world's TroubleNet in a misbehaving server).
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "runtime/core/net.h"

namespace ss::sim::peers {

class PassThroughNet : public Net {
 public:
  explicit PassThroughNet(Net& inner) : inner_(inner) {}

  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override {
    return inner_.connect(to, options, handler);
  }
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) final {
    return inner_.listen(at, [this, on_accept = std::move(on_accept)](std::unique_ptr<Connection> c) {
      accepted(std::move(c), on_accept);
    });
  }
  ResolveId resolve(std::string_view name, ResolveCallback done) override {
    return inner_.resolve(name, std::move(done));
  }
  bool cancel_resolve(ResolveId id) override { return inner_.cancel_resolve(id); }

 protected:
  // Passes `c`, wrapped or as it is, to on_accept, or drops it.
  virtual void accepted(std::unique_ptr<Connection> c, const AcceptCallback& on_accept) = 0;

 private:
  Net& inner_;
};

}  // namespace ss::sim::peers
