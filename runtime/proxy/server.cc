#include "runtime/proxy/server.h"

#include <type_traits>
#include <vector>

namespace ss::proxy {

// One accepted client link: the socket, its ProxyLink core and its onward
// stream. Every input ends in pump(), which carries out the core's commands
// and flushes its bytes; pump() is re-entrant-safe because onward calls
// (connect, request_tx) may raise states synchronously.
class ProxyServer::Link final : public ConnectionHandler, public OnwardEvents {
 public:
  Link(ProxyServer& server, std::uint64_t id, std::unique_ptr<Connection> conn)
      : server_(server), id_(id), conn_(std::move(conn)),
        core_(server.loop_.now(), server.options_.link_limits) {
    conn_->set_handler(this);
    arm_deadline();
  }

  ~Link() override {
    if (deadline_) server_.loop_.cancel(deadline_);
    onward_.reset();
    if (conn_) conn_->close();
  }

  bool finished() const { return finished_; }

  // --- ConnectionHandler -------------------------------------------------
  void on_data(std::span<const std::uint8_t> bytes) override {
    core_.receive_from_client(bytes, server_.loop_.now());
    pump();
  }
  void on_end(EndReason reason) override {
    conn_ended_ = true;
    core_.client_gone(reason == EndReason::kClosedByPeer
                          ? std::string("client closed the link")
                          : std::string("client link ended: ") + end_reason_name(reason));
    pump();
  }
  void on_writable() override { pump(); }

  // --- OnwardEvents -------------------------------------------------------
  void onward_state(std::uint32_t state, std::uint32_t ordinal) override {
    core_.onward_state(state, ordinal);
    pump();
  }
  void onward_rx(std::uint32_t flags, std::span<const std::uint8_t> payload,
                 const std::optional<std::string>& rideshare) override {
    core_.onward_rx(flags, payload, rideshare, server_.loop_.now());
    pump();
  }
  void onward_metadata(const std::string& name, const std::string& value) override {
    core_.onward_metadata(name, value);
    pump();
  }
  void onward_tx_credit(std::int32_t credit) override {
    core_.onward_tx_credit(credit);
    pump();
  }
  std::optional<TxPiece> onward_take_tx() override {
    auto piece = core_.take_tx_piece();
    // Room again: decode what waits and read the client again, from the loop
    // (this runs inside the onward stream's tx callback).
    if (piece && read_paused_ && !resume_posted_) {
      resume_posted_ = true;
      std::weak_ptr<bool> alive = alive_;
      server_.loop_.post([this, alive] {
        if (!alive.lock()) return;
        resume_posted_ = false;
        core_.resume_decoding(server_.loop_.now());
        pump();
      });
    }
    return piece;
  }

 private:
  void pump() {
    if (pumping_) {
      again_ = true;
      return;
    }
    pumping_ = true;
    do {
      again_ = false;
      while (auto command = core_.next_command()) run(*command);
      flush();
    } while (again_);
    pumping_ = false;
    arm_deadline();
    if (core_.phase() == ProxyLink::Phase::kClosed) {
      finish();
      return;
    }
    // Flow control toward the client (ProxyLink::wants_input).
    const bool pause = !core_.wants_input();
    if (pause != read_paused_ && !conn_ended_) {
      read_paused_ = pause;
      conn_->pause_reading(pause);
    }
  }

  void run(const Command& command) {
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, CreateOnward>) {
            auto created = server_.onward_.create(c, this);
            if (!created) {
              create_error_ = created.error().message();
              core_.create_result(false, 0, {});
              return;
            }
            onward_ = std::move(created->stream);
            core_.create_result(true, created->client_buflen, created->streamtypes);
          } else if constexpr (std::is_same_v<T, DestroyOnward>) {
            // Destroyed with the Link when it is reaped: this may run inside
            // one of the onward stream's own callbacks.
          } else {
            if (!onward_) return;
            if constexpr (std::is_same_v<T, ConnectOnward>) onward_->connect();
            if constexpr (std::is_same_v<T, OnwardTxReady>) onward_->request_tx();
            if constexpr (std::is_same_v<T, OnwardTimeout>) onward_->set_timeout(c.ms);
            if constexpr (std::is_same_v<T, OnwardTxLength>) onward_->request_tx_len(c.length);
            if constexpr (std::is_same_v<T, OnwardPeerCredit>) onward_->add_peer_tx_credit(c.credit);
            if constexpr (std::is_same_v<T, SetOnwardMetadata>) {
              if (Error e = onward_->set_metadata(c.name, c.value))
                core_.fail("METADATA '" + c.name + "' refused: " + e.message());
            }
          }
        },
        command);
  }

  void flush() {
    out_.clear();
    core_.take_client_bytes(&out_);
    if (out_.empty() || conn_ended_) return;
    conn_->write(out_);
    if (conn_->buffered() > server_.options_.client_out_buffer_max)
      core_.fail("client reads too slowly: " + std::to_string(conn_->buffered()) +
                 " bytes queued for it");
  }

  void arm_deadline() {
    const auto when = core_.next_deadline();
    if (when == armed_for_) return;
    if (deadline_) server_.loop_.cancel(deadline_);
    deadline_ = {};
    armed_for_ = when;
    if (!when) return;
    deadline_ = server_.loop_.at(*when, [this] {
      deadline_ = {};
      armed_for_.reset();
      core_.handle_timeout(server_.loop_.now());
      pump();
    });
  }

  // The core closed: flush what it still had (a failure CREATE_RESULT),
  // end the connection and let the server reap this link.
  void finish() {
    if (finished_) return;
    finished_ = true;
    std::string reason = core_.close_reason();
    if (!create_error_.empty()) reason += ": " + create_error_;
    if (conn_ && !conn_ended_) {
      conn_->shutdown_write();
      conn_->close();
    }
    server_.stats_.closed++;
    if (core_.client_fault()) server_.stats_.dropped_misbehaving++;
    if (server_.options_.on_link_closed) server_.options_.on_link_closed(id_, reason);
    const std::uint64_t id = id_;
    ProxyServer* server = &server_;
    std::weak_ptr<bool> alive = server_.alive_;
    server_.loop_.post([server, alive, id] {
      if (alive.lock()) server->reap(id);
    });
  }

  ProxyServer& server_;
  std::uint64_t id_;
  std::unique_ptr<Connection> conn_;
  ProxyLink core_;
  std::unique_ptr<OnwardStream> onward_;
  std::vector<std::uint8_t> out_;
  TimerId deadline_;
  std::optional<Micros> armed_for_;
  std::string create_error_;
  bool pumping_ = false;
  bool again_ = false;
  bool read_paused_ = false;
  bool resume_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool conn_ended_ = false;
  bool finished_ = false;
};

ProxyServer::ProxyServer(Loop& loop, Net& net, OnwardFactory& onward, ProxyServerOptions options)
    : loop_(loop), net_(net), onward_(onward), options_(std::move(options)) {}

ProxyServer::~ProxyServer() {
  listener_.reset();
  links_.clear();
}

Error ProxyServer::start() {
  auto listener = net_.listen(options_.listen, [this](std::unique_ptr<Connection> conn) {
    accept(std::move(conn));
  });
  if (!listener) return listener.error();
  listener_ = std::move(listener).value();
  return Error();
}

Endpoint ProxyServer::local() const { return listener_ ? listener_->local() : options_.listen; }

void ProxyServer::accept(std::unique_ptr<Connection> conn) {
  if (links_.size() >= options_.max_links) {
    stats_.refused_over_limit++;
    conn->close();
    return;
  }
  stats_.accepted++;
  const std::uint64_t id = next_id_++;
  links_.emplace(id, std::make_unique<Link>(*this, id, std::move(conn)));
  stats_.open = links_.size();
}

void ProxyServer::reap(std::uint64_t id) {
  links_.erase(id);
  stats_.open = links_.size();
}

}  // namespace ss::proxy
