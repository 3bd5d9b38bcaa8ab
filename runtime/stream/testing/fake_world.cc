#include "runtime/stream/testing/fake_world.h"

namespace ss::stream::testing {

struct FakeNet::Conn final : public Connection {
  FakeNet& net;
  ConnectionHandler* handler;
  std::uint64_t conn_id;
  Endpoint to;
  HostMode mode;
  bool up = false;
  bool ended = false;  // on_end delivered or closed locally
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Conn(FakeNet& n, ConnectionHandler* h, std::uint64_t id, Endpoint e, HostMode m)
      : net(n), handler(h), conn_id(id), to(std::move(e)), mode(m) {
    net.conns_[conn_id] = this;
  }
  ~Conn() override { close(); }

  bool paused = false;             // pause_reading(true): echoes wait in `held`
  std::vector<std::uint8_t> held;

  // Runs `fn` later if this connection is still open.
  void later(Micros delay, std::function<void(Conn*)> fn) {
    std::weak_ptr<bool> w = alive;
    Conn* self = this;
    net.loop_.after(delay, [w, self, fn] {
      auto a = w.lock();
      if (!a || !*a || self->ended) return;
      fn(self);
    });
  }
  void end(EndReason r) {
    if (ended) return;
    ended = true;
    net.conns_.erase(conn_id);
    handler->on_end(r);
  }

  void set_handler(ConnectionHandler* h) override { handler = h; }
  bool write(std::span<const std::uint8_t> bytes) override {
    if (ended || bytes.empty()) return true;
    auto& sink = net.received[conn_id];
    sink.insert(sink.end(), bytes.begin(), bytes.end());
    if (mode == HostMode::kEcho) {
      std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
      later(net.latency * 2, [copy](Conn* c) {
        if (!c->up) return;
        if (c->paused) {
          c->held.insert(c->held.end(), copy.begin(), copy.end());
          return;
        }
        c->net.delivered.insert(c->net.delivered.end(), copy.begin(), copy.end());
        c->handler->on_data(copy);
      });
    }
    return true;
  }
  std::size_t buffered() const override { return 0; }
  // Writes never queue here, so there is no mark to reach.
  void set_write_watermarks(std::size_t, std::size_t) override {}
  void shutdown_write() override {}
  void pause_reading(bool p) override {
    paused = p;
    if (p || held.empty()) return;
    later(0, [](Conn* c) {  // what waited comes later, never inline
      if (c->paused || c->held.empty()) return;
      std::vector<std::uint8_t> bytes = std::move(c->held);
      c->held.clear();
      c->net.delivered.insert(c->net.delivered.end(), bytes.begin(), bytes.end());
      c->handler->on_data(bytes);
    });
  }
  void close() override {
    if (!ended) {
      ended = true;
      net.conns_.erase(conn_id);
    }
    *alive = false;
  }
  Endpoint peer() const override { return to; }
  std::uint64_t id() const override { return conn_id; }
};

std::unique_ptr<Connection> FakeNet::connect(const Endpoint& to, const ConnectOptions& options,
                                             ConnectionHandler* handler) {
  ++connects_;
  connect_times.push_back(loop_.now());
  HostMode mode = HostMode::kEcho;
  if (auto it = modes_.find(to.kind == Endpoint::Kind::kTcp ? to.host : to.path);
      it != modes_.end()) {
    mode = it->second;
  }
  auto c = std::make_unique<Conn>(*this, handler, ++next_id_, to, mode);
  switch (mode) {
    case HostMode::kEcho:
    case HostMode::kSilent:
      c->later(latency, [](Conn* k) {
        k->up = true;
        k->handler->on_connected();
      });
      break;
    case HostMode::kRefuse:
      c->later(latency, [](Conn* k) { k->end(EndReason::kRefused); });
      break;
    case HostMode::kNxdomain:
      c->later(latency, [](Conn* k) { k->end(EndReason::kDnsFailure); });
      break;
    case HostMode::kBlackhole:
      if (options.connect_timeout > 0) {
        c->later(options.connect_timeout, [](Conn* k) { k->end(EndReason::kTimedOut); });
      }
      break;
  }
  return c;
}

FakeNet::Conn* FakeNet::newest_live() {
  for (auto it = conns_.rbegin(); it != conns_.rend(); ++it) {
    if (it->second->up) return it->second;
  }
  return nullptr;
}

bool FakeNet::peer_send(std::vector<std::uint8_t> bytes) {
  Conn* c = newest_live();
  if (!c || bytes.empty()) return false;
  c->later(latency, [bytes](Conn* k) {
    k->net.delivered.insert(k->net.delivered.end(), bytes.begin(), bytes.end());
    k->handler->on_data(bytes);
  });
  return true;
}

bool FakeNet::peer_reset() {
  Conn* c = newest_live();
  if (!c) return false;
  c->later(latency, [](Conn* k) { k->end(EndReason::kReset); });
  return true;
}

bool FakeNet::peer_close() {
  Conn* c = newest_live();
  if (!c) return false;
  c->later(latency, [](Conn* k) { k->end(EndReason::kClosedByPeer); });
  return true;
}

std::size_t FakeNet::live_connections() const { return conns_.size(); }

}  // namespace ss::stream::testing
