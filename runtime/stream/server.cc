#include "runtime/stream/server.h"

#include <string>

#include "runtime/core/escape.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

namespace ss::stream {

Server::~Server() { *alive_ = false; }

Error Server::listen() {
  const policy::Streamtype& st = owner_.streamtype();
  if (st.tls) {
    // Checked now, so a server that could never serve TLS fails to create.
    const policy::Policy& pol = owner_.context().policy();
    if (!st.server_cert || !st.server_key || *st.server_cert >= pol.certs.size() || *st.server_key >= pol.certs.size()) {
      return make_error(ErrorCode::kInvalidArgument, "server streamtype " + quote_text(st.name) +
                                                         ": \"tls\": true needs server_cert and server_key (policy certs)");
    }
    if (!owner_.context().tls_accept() || !owner_.context().tls()) {
      return make_error(ErrorCode::kUnsupported, "server streamtype " + quote_text(st.name) +
                                                     ": \"tls\": true but the context has no TLS provider or accept hook");
    }
  }
  // An empty endpoint listens on every address, as lws's vhost does.
  Endpoint at = Endpoint::tcp("", st.port);
  if (!st.endpoint.empty()) {
    auto parsed = parse_endpoint(st.endpoint, st.port);
    if (!parsed) {
      return make_error(ErrorCode::kInvalidArgument,
                        "server streamtype " + quote_text(st.name) + ": endpoint: " + parsed.error().message());
    }
    at = *parsed;
  }
  std::weak_ptr<bool> alive = alive_;
  auto l = owner_.context().net().listen(at, [this, alive](std::unique_ptr<Connection> conn) {
    auto a = alive.lock();
    if (!a || !*a) return;  // the server went away with this accept in flight
    accept(std::move(conn));
  });
  if (!l) {
    return make_error(l.error().code(), "server streamtype " + quote_text(st.name) + ": cannot listen on " +
                                            to_string(at) + ": " + l.error().message());
  }
  listener_ = std::move(*l);
  owner_.context().trace("ss.listen", "ss" + std::to_string(owner_.id()) + " " + st.name + " " +
                                          to_string(listener_->local()));
  return Error();
}

Endpoint Server::local() const { return listener_ ? listener_->local() : Endpoint(); }

void Server::prune() {
  std::erase_if(clients_, [](const std::weak_ptr<Stream*>& w) {
    auto t = w.lock();
    return !t || !*t;
  });
}

std::size_t Server::client_count() {
  prune();
  return clients_.size();
}

void Server::accept(std::unique_ptr<Connection> conn) {
  Context& ctx = owner_.context();
  const ServerLimits& limits = ctx.server_limits();
  if (client_count() >= limits.max_clients) {
    ctx.log("server stream " + std::to_string(owner_.id()) + " (" + owner_.streamtype().name + "): refused a client from " +
            escape_text(to_string(conn->peer())) + ": " + std::to_string(limits.max_clients) +
            " accepted streams are live (ServerLimits::max_clients)");
    conn->close();
    return;
  }
  std::optional<StreamInfo> info = owner_.accepted_info();
  if (!info) {
    ctx.log("server stream " + std::to_string(owner_.id()) + " (" + owner_.streamtype().name +
            "): no user object for a new client; closed");
    conn->close();
    return;
  }
  const bool tls = owner_.streamtype().tls;
  if (tls) {
    const Endpoint from = conn->peer();
    auto wrapped = ctx.tls_accept()(*ctx.tls(), ctx.policy(), owner_.streamtype(), std::move(conn));
    if (!wrapped) {
      ctx.log("server stream " + std::to_string(owner_.id()) + " (" + owner_.streamtype().name +
              "): TLS for a client from " + escape_text(to_string(from)) + ": " + wrapped.error().message());
      return;
    }
    conn = std::move(*wrapped);
  }
  Stream* s = ctx.make_stream(owner_.streamtype(), std::move(*info));
  clients_.push_back(s->weak());
  s->adopt(std::move(conn), tls);
}

void Server::foreach_client(const std::function<void(Stream*)>& fn) {
  prune();
  // A snapshot: the callback may destroy streams or (from the loop only)
  // new clients may join; neither disturbs the walk.
  const std::vector<std::weak_ptr<Stream*>> walk = clients_;
  for (const auto& w : walk) {
    auto t = w.lock();
    if (!t || !*t) continue;
    Stream* s = *t;
    if (s->destroy_started()) continue;
    fn(s);
  }
}

void Server::close() {
  listener_.reset();
  prune();
  const std::vector<std::weak_ptr<Stream*>> walk = std::move(clients_);
  clients_.clear();
  for (const auto& w : walk) {
    auto t = w.lock();
    if (t && *t) (*t)->destroy();
  }
}

}  // namespace ss::stream
