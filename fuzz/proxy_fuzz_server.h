// The onward server of proxy_fuzz: what the proxy's onward streams reach.
// It listens on host "onward", ports 7 (raw), 80 (h1) and 81 (ws), and
// treats its n-th accepted connection as the plan's behaviour n % count
// says (ServerMode in proxy_fuzz_plan.h): echo, read and stay silent,
// answer with fuzz bytes (after a proper head if asked), close at once,
// never read, or never take the connection at all. With kRefuse as the
// first behaviour nothing listens. What it writes in all is capped by
// `budget` so a run stays short.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/proxy_fuzz_plan.h"
#include "runtime/proto/ws/ws_handshake.h"
#include "sim/world.h"

namespace ss::fuzzing::proxy_fuzz {

class OnwardServer {
 public:
  OnwardServer(sim::World& world, int host, const std::vector<ServerBehaviour>& behaviours, std::size_t budget)
      : behaviours_(behaviours), budget_(budget) {
    if (behaviours_.empty() || static_cast<ServerMode>(behaviours_[0].mode) == ServerMode::kRefuse) return;
    for (int port : {7, 80, 81}) {
      auto l = world.net_for(host).listen(Endpoint::tcp("", static_cast<std::uint16_t>(port)),
                                          [this, port](std::unique_ptr<Connection> c) { accept(port, std::move(c)); });
      if (l.ok()) listeners_.push_back(std::move(*l));
    }
  }

  bool listening() const { return !listeners_.empty(); }
  std::size_t accepted() const { return conns_.size(); }

  // Ends every connection it still has (before the final idle check).
  void close_all() {
    for (auto& c : conns_)
      if (c->conn) c->conn->close();
  }

 private:
  struct Conn final : ConnectionHandler {
    OnwardServer* server = nullptr;
    std::unique_ptr<Connection> conn;
    const ServerBehaviour* b = nullptr;
    int port = 0;
    std::string request;
    bool answered = false;

    ServerMode mode() const { return static_cast<ServerMode>(b->mode); }
    void on_data(std::span<const std::uint8_t> bytes) override {
      switch (mode()) {
        case ServerMode::kEcho:
          conn->write(bytes.first(server->take(bytes.size())));
          break;
        case ServerMode::kAnswer:
          if (answered) break;
          request.append(bytes.begin(), bytes.end());
          if (request.size() > 64 * 1024 || request.find("\r\n\r\n") != std::string::npos) answer();
          break;
        default:
          break;
      }
    }
    void on_end(EndReason) override { conn.reset(); }

    void answer() {
      answered = true;
      const std::size_t body = b->bytes.size() * b->repeat;
      if (b->head && port == 80)
        conn->write("HTTP/1.1 200 OK\r\ncontent-length: " + std::to_string(body) + "\r\n\r\n");
      if (b->head && port == 81) conn->write(proper_101(request));
      for (std::uint32_t i = 0; i < b->repeat && !b->bytes.empty(); ++i) {
        const std::size_t n = server->take(b->bytes.size());
        if (n == 0) break;
        conn->write(std::span<const std::uint8_t>(b->bytes.data(), n));
      }
      if (b->close_after) conn->shutdown_write();
    }

    // A 101 with the right Sec-WebSocket-Accept for the client's key.
    static std::string proper_101(const std::string& request) {
      std::string key;
      const auto k = request.find("Sec-WebSocket-Key: ");
      if (k != std::string::npos) key = request.substr(k + 19, request.find("\r\n", k) - k - 19);
      return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Protocol: lws-mirror-protocol\r\n"
             "Sec-WebSocket-Accept: " + proto::ws::accept_for(key) + "\r\n\r\n";
    }
  };

  void accept(int port, std::unique_ptr<Connection> c) {
    auto h = std::make_unique<Conn>();
    h->server = this;
    h->port = port;
    h->b = &behaviours_[conns_.size() % behaviours_.size()];
    h->conn = std::move(c);
    switch (h->mode()) {
      case ServerMode::kClose:
        h->conn->close();
        h->conn.reset();
        break;
      case ServerMode::kIgnore:
        break;  // no handler: nothing is ever read
      case ServerMode::kPause:
        h->conn->set_handler(h.get());
        h->conn->pause_reading(true);
        break;
      case ServerMode::kAnswer:
        h->conn->set_handler(h.get());
        if (port == 7) h->answer();  // raw: nothing to wait for
        break;
      default:
        h->conn->set_handler(h.get());
        break;
    }
    conns_.push_back(std::move(h));
  }

  // How many of `want` bytes it may still write.
  std::size_t take(std::size_t want) {
    const std::size_t n = std::min(want, budget_);
    budget_ -= n;
    return n;
  }

  const std::vector<ServerBehaviour>& behaviours_;
  std::size_t budget_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace ss::fuzzing::proxy_fuzz
