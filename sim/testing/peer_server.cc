#include "sim/testing/peer_server.h"

namespace ss::sim::testing {

struct PeerServer::Peer final : ConnectionHandler {
  PeerServer* server = nullptr;
  std::unique_ptr<Connection> conn;
  bool open = true;

  void on_data(std::span<const std::uint8_t> bytes) override {
    if (server->echo_) conn->write(bytes);
  }
  void on_end(EndReason) override { open = false; }
};

PeerServer::PeerServer(World& world, int host, Endpoint at, bool echo)
    : world_(world), host_(host), at_(std::move(at)), echo_(echo) {}

PeerServer::~PeerServer() = default;

Error PeerServer::start() {
  auto l = world_.net_for(host_).listen(at_, [this](std::unique_ptr<Connection> c) {
    auto peer = std::make_unique<Peer>();
    peer->server = this;
    peer->conn = std::move(c);
    Peer* p = peer.get();
    peers_[p->conn->id()] = std::move(peer);
    p->conn->set_handler(p);
  });
  if (!l.ok()) return l.error();
  listener_ = std::move(l.value());
  return Error();
}

PeerServer::Peer* PeerServer::newest_peer() const {
  for (auto it = peers_.rbegin(); it != peers_.rend(); ++it) {
    if (it->second->open) return it->second.get();
  }
  return nullptr;
}

std::uint64_t PeerServer::newest() const {
  Peer* p = newest_peer();
  return p ? p->conn->id() : 0;
}

bool PeerServer::send(const std::vector<std::uint8_t>& bytes) {
  Peer* p = newest_peer();
  if (!p || bytes.empty()) return false;
  p->conn->write(bytes);
  return true;
}

bool PeerServer::reset() {
  Peer* p = newest_peer();
  if (!p) return false;
  p->open = false;
  world_.network().reset(p->conn->id());
  return true;
}

bool PeerServer::close() {
  Peer* p = newest_peer();
  if (!p) return false;
  p->open = false;
  p->conn->close();
  return true;
}

}  // namespace ss::sim::testing
