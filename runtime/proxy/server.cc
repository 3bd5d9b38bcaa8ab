#include "runtime/proxy/server.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"

namespace ss::proxy {

// One accepted client link: the socket, its ProxyLink core and its onward
// stream. Every input ends in pump(), which carries out the core's commands
// and flushes its bytes; pump() is re-entrant-safe because onward calls
// (connect, request_tx) may raise states synchronously.
class ProxyServer::Link final : public ConnectionHandler, public OnwardEvents {
 public:
  Link(ProxyServer& server, std::uint64_t id, std::unique_ptr<Connection> conn, std::string identity)
      : server_(server), id_(id), conn_(std::move(conn)), identity_(std::move(identity)),
        core_(server.loop_.now(), server.options_.link_limits) {
    conn_->set_handler(this);
    arm_deadline();
  }

  ~Link() override {
    if (deadline_) server_.loop_.cancel(deadline_);
    if (stall_timer_) server_.loop_.cancel(stall_timer_);
    if (upload_timer_) server_.loop_.cancel(upload_timer_);
    if (onward_paused_) server_.stats_.paused_now--;
    onward_.reset();
    if (conn_) conn_->close();
  }

  bool finished() const { return finished_; }
  const std::string& identity() const { return identity_; }

  // --- ConnectionHandler -------------------------------------------------
  void on_data(std::span<const std::uint8_t> bytes) override {
    server_.stats_.bytes_from_clients += bytes.size();
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
  // The client's queue fell below the low mark: the onward read resumes.
  void on_writable() override {
    pump();
    if (onward_paused_ && !finished_ && conn_->buffered() <= low_mark_) set_onward_paused(false);
  }

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
      while (auto command = core_.next_event()) run(*command);
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
      watch_upload(pause);
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
            set_marks(created->rxflow_on_above, created->rxflow_off_below);
            core_.create_result(true, created->client_buflen, created->streamtypes, created->proxy_buflen);
            if (created->nailed_up) core_.nailed_up(server_.loop_.now());
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
                core_.fail("METADATA " + quote_text(c.name) + " refused: " + e.message());
            }
          }
        },
        command);
  }

  // Bytes for the client go out at once; past the high mark (write() says
  // false) the onward read pauses until on_writable().
  void flush() {
    out_.clear();
    core_.take_client_bytes(&out_);
    if (out_.empty() || conn_ended_) return;
    // planted: what the onward stream still delivers while paused for a slow client is lost
    if (SS_PLANTED("proxy-slow-drop") && onward_paused_) return;
    server_.stats_.bytes_to_clients += out_.size();
    const bool more = conn_->write(out_);
    server_.stats_.peak_client_queue = std::max(server_.stats_.peak_client_queue, conn_->buffered());
    if (!more && onward_) set_onward_paused(true);
  }

  // The streamtype's rxflow marks, or the server's defaults.
  void set_marks(std::uint32_t on_above, std::uint32_t off_below) {
    std::size_t high = on_above ? on_above : server_.options_.client_queue_high;
    std::size_t low = off_below && off_below < high ? off_below : (on_above ? high / 4 : server_.options_.client_queue_low);
    high = std::max<std::size_t>(high, 1);
    low_mark_ = std::min(low, high - 1);
    conn_->set_write_watermarks(high, low_mark_);
  }

  void set_onward_paused(bool paused) {
    if (paused == onward_paused_ || !onward_) return;
    onward_paused_ = paused;
    onward_->pause_rx(paused);
    if (paused) {
      server_.stats_.onward_pauses++;
      server_.stats_.paused_now++;
      watch_stall(conn_->buffered());
    } else {
      server_.stats_.paused_now--;
      if (stall_timer_) server_.loop_.cancel(stall_timer_);
      stall_timer_ = {};
    }
  }

  // While the client's read is paused for its payload: an onward stream
  // that takes none of it for upload_stall_timeout ends the link.
  void watch_upload(bool paused) {
    if (upload_timer_) server_.loop_.cancel(upload_timer_);
    upload_timer_ = {};
    const Micros limit = server_.options_.upload_stall_timeout;
    if (!paused || limit <= 0) return;
    upload_timer_ = server_.loop_.after(limit, [this, limit] {
      upload_timer_ = {};
      if (!read_paused_ || finished_) return;
      upload_stalled_ = true;
      core_.abandon("the onward stream took none of the client's payload (" +
                    std::to_string(core_.queued_tx_bytes()) + " bytes) for " +
                    std::to_string(limit / kMicrosPerMilli) + " ms");
      pump();
    }, {"proxy.link", id_, "upload stall"});
  }

  // While paused: a client whose queue has not shrunk at all for
  // client_stall_timeout has stopped reading; it is dropped.
  void watch_stall(std::size_t queued) {
    const Micros limit = server_.options_.client_stall_timeout;
    if (limit <= 0 || stall_timer_) return;
    stall_timer_ = server_.loop_.after(limit, [this, queued, limit] {
      stall_timer_ = {};
      if (!onward_paused_ || finished_) return;
      const std::size_t now_queued = conn_->buffered();
      if (now_queued < queued) {
        watch_stall(now_queued);  // it reads, slowly: keep pacing it
        return;
      }
      stopped_reading_ = true;
      core_.fail("client stopped reading: " + std::to_string(now_queued) + " bytes queued for it, none taken in " +
                 std::to_string(limit / kMicrosPerMilli) + " ms");
      pump();
    }, {"proxy.link", id_, "client stall"});
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
    }, {"proxy.link", id_, "frame deadline"});
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
    if (stopped_reading_) server_.stats_.dropped_stopped_reading++;
    if (upload_stalled_) server_.stats_.dropped_upload_stalled++;
    if (core_.deadline_passed()) server_.stats_.dropped_deadline++;
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
  std::string identity_;  // the peer, for max_links_per_client
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
  std::size_t low_mark_ = 0;
  bool onward_paused_ = false;
  bool stopped_reading_ = false;
  TimerId stall_timer_;
  TimerId upload_timer_;
  bool upload_stalled_ = false;
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
  std::string who = conn->peer_identity();
  if (links_.size() >= options_.max_links) {
    stats_.refused_over_limit++;
    refuse(std::move(conn), "refused " + who + ": " + std::to_string(links_.size()) + " links open (max_links)");
    return;
  }
  std::size_t& mine = per_client_[who];
  if (mine >= options_.max_links_per_client) {
    stats_.refused_client_limit++;
    refuse(std::move(conn), "refused " + who + ": it holds " + std::to_string(mine) + " links (max_links_per_client)");
    return;
  }
  ++mine;
  stats_.accepted++;
  const std::uint64_t id = next_id_++;
  links_.emplace(id, std::make_unique<Link>(*this, id, std::move(conn), std::move(who)));
  stats_.open = links_.size();
}

// Closed at once, so the client learns now instead of waiting for its own
// deadline; logged through on_link_closed with link id 0.
void ProxyServer::refuse(std::unique_ptr<Connection> conn, const std::string& why) {
  conn->close();
  if (options_.on_link_closed) options_.on_link_closed(0, why);
}

void ProxyServer::reap(std::uint64_t id) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  auto owner = per_client_.find(it->second->identity());
  if (owner != per_client_.end() && --owner->second == 0) per_client_.erase(owner);
  links_.erase(it);
  stats_.open = links_.size();
}

std::string to_string(const ProxyStats& s) {
  return "open=" + std::to_string(s.open) + " accepted=" + std::to_string(s.accepted) +
         " refused=" + std::to_string(s.refused_over_limit) + "+" + std::to_string(s.refused_client_limit) +
         " dropped=" + std::to_string(s.dropped_misbehaving) + " (stopped-reading " +
         std::to_string(s.dropped_stopped_reading) + ", deadline " + std::to_string(s.dropped_deadline) +
         ", upload stalled " + std::to_string(s.dropped_upload_stalled) +
         ") to-clients=" + std::to_string(s.bytes_to_clients) + "B from-clients=" +
         std::to_string(s.bytes_from_clients) + "B paused=" + std::to_string(s.paused_now) + " (total " +
         std::to_string(s.onward_pauses) + ") peak-queue=" + std::to_string(s.peak_client_queue) + "B";
}

}  // namespace ss::proxy
