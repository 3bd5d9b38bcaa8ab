#include "sim/echo.h"

namespace ss::sim {

struct EchoServer::Peer : ConnectionHandler {
  EchoServer* server = nullptr;
  std::unique_ptr<Connection> conn;

  void on_data(std::span<const std::uint8_t> bytes) override {
    if (server->planted_bug_ && bytes.size() == 1 && !server->dropped_) {
      server->dropped_ = true;  // the planted bug: a 1-byte read is lost
      return;
    }
    server->echoed_ += bytes.size();
    conn->write(bytes);
  }
  void on_end(EndReason) override {
    // Drop the peer later: we are inside its callback.
    const std::uint64_t id = conn->id();
    EchoServer* s = server;
    s->world_.loop().post([s, id] { s->peers_.erase(id); });
  }
};

EchoServer::EchoServer(World& world, int host, Endpoint at, bool planted_bug)
    : world_(world), host_(host), at_(std::move(at)), planted_bug_(planted_bug) {}

EchoServer::~EchoServer() = default;

Error EchoServer::start() {
  auto l = world_.net_for(host_).listen(at_, [this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
  if (!l.ok()) return l.error();
  listener_ = std::move(l.value());
  return Error();
}

void EchoServer::accept(std::unique_ptr<Connection> conn) {
  auto peer = std::make_unique<Peer>();
  peer->server = this;
  peer->conn = std::move(conn);
  Peer* p = peer.get();
  peers_[p->conn->id()] = std::move(peer);
  p->conn->set_handler(p);
}

EchoClient::EchoClient(World& world, int host, std::string name, EchoClientOptions options)
    : world_(world),
      host_(host),
      name_(std::move(name)),
      options_(std::move(options)),
      rng_(world.rng().fork(fnv1a64(name_))) {
  payload_.resize(options_.payload);
  rng_.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(payload_.data()), payload_.size()));
}

EchoClient::~EchoClient() {
  if (timer_) world_.loop().cancel(timer_);
}

void EchoClient::start() {
  timer_ = world_.loop().at(options_.start_at, [this] {
    timer_ = TimerId{};
    conn_ = world_.net_for(host_).connect(options_.to, options_.connect, this);
    write_next();
  }, {"echo_client", 0, "start"});
}

void EchoClient::write_next() {
  if (conn_ == nullptr || ended_ || written_ >= payload_.size()) return;
  const std::size_t n = std::min<std::size_t>(
      payload_.size() - written_, static_cast<std::size_t>(rng_.between(1, options_.max_piece)));
  conn_->write(std::string_view(payload_).substr(written_, n));
  written_ += n;
  if (written_ < payload_.size()) {
    timer_ = world_.loop().after(rng_.between(0, options_.max_gap), [this] {
      timer_ = TimerId{};
      write_next();
    }, {"echo_client", 0, "next write"});
  }
}

void EchoClient::on_connected() {}

void EchoClient::on_data(std::span<const std::uint8_t> bytes) {
  if (received_ + bytes.size() > written_) {
    world_.violation(name_ + ": echo returned " + std::to_string(received_ + bytes.size()) +
                     " bytes but only " + std::to_string(written_) + " were written");
    reported_ = true;
  }
  for (std::size_t i = 0; i < bytes.size() && !reported_; ++i) {
    if (received_ + i < payload_.size() &&
        static_cast<std::uint8_t>(payload_[received_ + i]) != bytes[i]) {
      world_.violation(name_ + ": echoed byte at offset " + std::to_string(received_ + i) +
                       " differs from the byte written there");
      reported_ = true;
    }
  }
  received_ += bytes.size();
  if (received_ == payload_.size() && !done_) {
    done_ = true;
    world_.record("echo", name_ + " complete bytes=" + std::to_string(received_));
    conn_->close();
  }
}

void EchoClient::on_end(EndReason reason) {
  ended_ = true;
  reason_ = reason;
  world_.record("echo", name_ + " ended " + end_reason_name(reason) + " after " +
                            std::to_string(received_) + "/" + std::to_string(payload_.size()));
  if (timer_) {
    world_.loop().cancel(timer_);
    timer_ = TimerId{};
  }
}

}  // namespace ss::sim
