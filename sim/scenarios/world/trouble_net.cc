#include "sim/scenarios/world/trouble_net.h"

#include <algorithm>

namespace ss::sim::world {
namespace {

class TroubleConnection final : public Connection {
 public:
  TroubleConnection(Loop& loop, std::unique_ptr<Connection> inner, gen::ServerTrouble trouble, std::size_t bytes,
                    Rng* rng)
      : loop_(loop), inner_(std::move(inner)), trouble_(trouble), bytes_(bytes), rng_(rng) {}
  ~TroubleConnection() override {
    if (timer_) loop_.cancel(timer_);
  }

  void set_handler(ConnectionHandler* handler) override { inner_->set_handler(handler); }

  bool write(std::span<const std::uint8_t> bytes) override {
    if (trouble_ == gen::ServerTrouble::kCloseEarly) {
      if (cut_) return false;
      const std::size_t n = std::min(bytes.size(), bytes_ - written_);
      written_ += n;
      const bool more = inner_->write(bytes.first(n));
      if (written_ >= bytes_) {
        cut_ = true;
        inner_->close();  // flushes what it holds, then FIN
        return false;
      }
      return more;
    }
    if (trouble_ == gen::ServerTrouble::kSlow) {
      if (closing_) return false;
      pending_.append(bytes.begin(), bytes.end());
      if (!timer_) send_piece();
      return true;
    }
    return inner_->write(bytes);
  }
  std::size_t buffered() const override { return pending_.size() + inner_->buffered(); }
  void set_write_watermarks(std::size_t high, std::size_t low) override { inner_->set_write_watermarks(high, low); }
  void shutdown_write() override {
    if (pending_.empty()) {
      inner_->shutdown_write();
    } else {
      shutdown_after_ = true;
    }
  }
  void pause_reading(bool paused) override { inner_->pause_reading(paused); }
  void close() override {
    if (pending_.empty()) {
      inner_->close();
    } else {
      closing_ = true;
    }
  }
  Endpoint peer() const override { return inner_->peer(); }
  std::string peer_identity() const override { return inner_->peer_identity(); }
  std::uint64_t id() const override { return inner_->id(); }

 private:
  void send_piece() {
    timer_ = {};
    const std::size_t n = std::min(pending_.size(), std::max<std::size_t>(bytes_, 1));
    inner_->write(std::string_view(pending_).substr(0, n));
    pending_.erase(0, n);
    if (!pending_.empty()) {
      timer_ = loop_.after(rng_->between(millis(5), millis(50)), [this] { send_piece(); });
      return;
    }
    if (closing_) inner_->close();
    else if (shutdown_after_) inner_->shutdown_write();
  }

  Loop& loop_;
  std::unique_ptr<Connection> inner_;
  gen::ServerTrouble trouble_;
  std::size_t bytes_;
  Rng* rng_;
  std::size_t written_ = 0;
  bool cut_ = false;
  std::string pending_;
  TimerId timer_;
  bool closing_ = false;
  bool shutdown_after_ = false;
};

}  // namespace

void TroubleNet::accepted(std::unique_ptr<Connection> c, const AcceptCallback& on_accept) {
  if (trouble_ != gen::ServerTrouble::kCloseEarly && trouble_ != gen::ServerTrouble::kSlow) {
    on_accept(std::move(c));
    return;
  }
  on_accept(std::make_unique<TroubleConnection>(loop_, std::move(c), trouble_, bytes_, &rng_));
}

struct RawEchoServer::Peer final : ConnectionHandler {
  RawEchoServer* server = nullptr;
  std::uint64_t id = 0;
  std::unique_ptr<Connection> conn;
  void on_data(std::span<const std::uint8_t> bytes) override { conn->write(bytes); }
  void on_end(EndReason) override {
    std::weak_ptr<bool> alive = server->alive_;
    RawEchoServer* s = server;
    const std::uint64_t i = id;
    server->listen_.loop().post([alive, s, i] {
      if (!alive.expired()) s->peers_.erase(i);
    });
  }
};

RawEchoServer::RawEchoServer(Loop& loop, Net& net, Endpoint at)
    : listen_(loop, net, std::move(at), "raw_echo_server") {}

RawEchoServer::~RawEchoServer() {
  listen_.stop();
  peers_.clear();
}

Error RawEchoServer::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) {
    auto p = std::make_unique<Peer>();
    p->server = this;
    p->id = next_id_++;
    p->conn = std::move(c);
    p->conn->set_handler(p.get());
    peers_[p->id] = std::move(p);
  });
}

}  // namespace ss::sim::world
