#include "runtime/bind/ws/ws_server_binding.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "runtime/bind/h1/h1_server_binding.h"
#include "runtime/core/planted.h"
#include "runtime/proto/ws/ws_client.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace ss::proto::ws {
namespace {

using stream::HostVerdict;
using stream::TxPull;

constexpr std::size_t kTxChunk = 1540;
constexpr std::uint16_t kGoingAway = 1001;  // RFC 6455 §7.4.1

class WsServerBinding final : public stream::Binding {
 public:
  explicit WsServerBinding(stream::BindingHost& host)
      : host_(host),
        http_(h1::make_h1_server_binding(
            host, [this](const h1::Head& head, std::vector<std::uint8_t> rest) { return take(head, std::move(rest)); })) {}
  ~WsServerBinding() override { cancel_timer(); }

  const char* name() const override { return "ws-server"; }
  std::vector<std::string> alpn() const override { return {"http/1.1"}; }

  void on_transport_connected() override { http_->on_transport_connected(); }

  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    if (!session_) {
      http_->on_transport_data(bytes);
      if (session_) start();  // the request was an upgrade we took
      return;
    }
    if (stopped_) return;
    heard();
    session_->receive_data(bytes);
    process();
  }

  void on_transport_writable() override {
    if (!session_) return http_->on_transport_writable();
    blocked_ = false;
    pump();
  }

  void on_tx_requested() override {
    if (!session_) return http_->on_tx_requested();
    pump();
  }

  EndInfo on_transport_end(EndReason reason) override {
    if (!session_) return http_->on_transport_end(reason);
    // The user disconnected (or destroyed the stream): say so first.
    if (reason == EndReason::kClosedLocally && !stopped_ && session_->is_open() && !session_->close_sent()) {
      if (session_->close(1000, "").ok()) flush();
    }
    stopped_ = true;
    cancel_timer();
    EndInfo info;
    info.txn_ok = true;  // the upgrade was answered
    return info;
  }

 private:
  // The h1 binding's UpgradeTaker: check the handshake, answer 101.
  std::optional<h1::UpgradeRefusal> take(const h1::Head& head, std::vector<std::uint8_t> rest) {
    UpgradeRefusal refusal;
    auto subprotocol = check_upgrade_request(head, host_.streamtype().ws_subprotocol, refusal);
    if (!subprotocol.ok()) return h1::UpgradeRefusal{refusal.status, refusal.why, refusal.headers};
    Options options;
    options.role = Options::Role::kServer;
    session_.emplace(host_.rng(), options);
    const std::string key(h1::find_header(head.headers, "sec-websocket-key").value_or(""));
    auto response = session_->accept(key, *subprotocol, std::move(rest));
    if (!response.ok()) {
      session_.reset();
      return h1::UpgradeRefusal{500, response.error().message(), {}};
    }
    write_text(*response);
    host_.trace("ws.upgrade", head.target + (subprotocol->empty() ? "" : " " + *subprotocol));
    return std::nullopt;
  }

  // After the 101: SERVER_UPGRADE, then frames that came with the request.
  void start() {
    if (host_.server_upgrade() == HostVerdict::kStop) return stop();
    heard();
    process();
    pump();
  }

  void process() {
    for (;;) {
      if (stopped_) return;
      Event e = session_->next_event();
      if (std::holds_alternative<NeedData>(e)) break;
      if (auto* f = std::get_if<FragmentEvent>(&e)) {
        // planted: EOM lost on the last piece of a message that came in several
        const bool eom = f->last && !(SS_PLANTED("ws-server-eom") && !f->first);
        const std::uint32_t flags = (f->first ? stream::kFlagSom : 0u) | (eom ? stream::kFlagEom : 0u);
        if (host_.rx(f->data, flags) == HostVerdict::kStop) return stop();
      } else if (auto* c = std::get_if<CloseEvent>(&e)) {
        host_.trace("ws.close", std::to_string(c->code) + (c->reason.empty() ? "" : " " + c->reason));
      } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
        flush();  // our close frame (1002, 1009), if the core queued one
        return fail("ws server: " + err->message);
      }
      // Ping (pong queued), Pong, Closed: nothing more to do.
    }
    flush();
    if (session_->close_received() && session_->close_sent()) {
      // The close handshake is over: the server closes TCP first.
      host_.shutdown_write();
      stopped_ = true;
      cancel_timer();
      host_.close_connection("");
    }
  }

  void pump() {
    std::array<std::uint8_t, kTxChunk> buf;
    const bool binary = host_.streamtype().ws_binary;
    while (!stopped_ && !blocked_ && session_->is_open() && !session_->close_sent() && host_.tx_wanted()) {
      TxPull p = host_.pull_tx(buf);
      if (p.kind != TxPull::Kind::kData) return;
      const bool som = p.flags & stream::kFlagSom;
      const bool eom = p.flags & stream::kFlagEom;
      if (Error e = session_->send(std::span<const std::uint8_t>(buf.data(), p.len), binary, som, eom); !e.ok())
        return fail("ws server: " + e.message() + " (tx flags 0x" + std::to_string(p.flags) + ")");
      flush();
    }
  }

  void write_text(const std::string& text) {
    write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
  void write(std::span<const std::uint8_t> bytes) {
    if (!bytes.empty() && !host_.write(bytes)) blocked_ = true;
  }
  void flush() { write(session_->take_output()); }

  void stop() {
    stopped_ = true;
    cancel_timer();
  }
  void fail(const std::string& why) {
    stop();
    host_.close_connection(why);
  }

  // --- silence: ping at half the idle deadline, hang up at all of it -------

  // Something came from the client: the silence starts again.
  void heard() {
    cancel_timer();
    const Micros limit = host_.server_limits().idle_timeout;
    if (limit <= 0 || stopped_) return;
    timer_ = host_.loop().after(limit / 2, [this, limit] {
      timer_ = {};
      static constexpr std::uint8_t kPing[] = {'s', 's'};
      if (session_->ping(kPing).ok()) flush();
      timer_ = host_.loop().after(limit - limit / 2, [this, limit] {
        timer_ = {};
        if (session_->close(kGoingAway, "idle").ok()) flush();
        fail("ws server: nothing from the client for " + std::to_string(limit / kMicrosPerMilli) +
             " ms, not even a pong (ServerLimits::idle_timeout)");
      }, {"ss", host_.stream_id(), "ws idle deadline"});
    }, {"ss", host_.stream_id(), "ws idle ping"});
  }
  void cancel_timer() {
    if (timer_) host_.loop().cancel(timer_);
    timer_ = {};
  }

  stream::BindingHost& host_;
  std::unique_ptr<stream::Binding> http_;  // until the upgrade
  std::optional<Session> session_;         // after it
  TimerId timer_{};
  bool blocked_ = false;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<stream::Binding> make_ws_server_binding(stream::BindingHost& host) {
  return std::make_unique<WsServerBinding>(host);
}

}  // namespace ss::proto::ws
