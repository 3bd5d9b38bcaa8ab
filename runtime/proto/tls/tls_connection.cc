#include "runtime/proto/tls/tls_connection.h"

#include <utility>

#include "runtime/core/planted.h"

namespace ss::proto {

TlsConnection::TlsConnection(bool server, const ConnectOptions& options,
                             ConnectionHandler* handler)
    : server_(server),
      allow_half_close_(options.allow_half_close),
      high_watermark_(options.high_watermark),
      handler_(handler) {}

TlsConnection::~TlsConnection() {
  *alive_ = false;
  close();
}

std::unique_ptr<TlsConnection> connect_tls(Net& net, TlsProvider& provider, const Endpoint& to,
                                           const ConnectOptions& options,
                                           const TlsClientConfig& config,
                                           ConnectionHandler* handler) {
  std::unique_ptr<TlsConnection> c(new TlsConnection(false, options, handler));
  auto session = provider.client(config);
  if (session.ok()) {
    c->session_ = std::move(session.value());
  } else {
    c->tls_error_ = session.error();  // reported once the inner connection is up
  }
  c->inner_ = net.connect(to, options, c.get());
  return c;
}

Result<std::unique_ptr<TlsConnection>> accept_tls(std::unique_ptr<Connection> accepted,
                                                  TlsProvider& provider,
                                                  const TlsServerConfig& config,
                                                  const ConnectOptions& options) {
  auto session = provider.server(config);
  if (!session.ok()) return session.error();
  std::unique_ptr<TlsConnection> c(new TlsConnection(true, options, nullptr));
  c->session_ = std::move(session.value());
  c->inner_ = std::move(accepted);
  c->inner_up_ = true;
  return c;
}

void TlsConnection::set_handler(ConnectionHandler* handler) {
  handler_ = handler;
  if (server_ && inner_ != nullptr) inner_->set_handler(this);
}

bool TlsConnection::write(std::span<const std::uint8_t> bytes) {
  if (!usable() || shutdown_wanted_ || session_ == nullptr) return false;
  if (!bytes.empty()) {
    session_->send_plaintext(bytes);
    if (!handshake_done_) {
      held_plaintext_ += bytes.size();
    } else {
      flush_ciphertext();
    }
  }
  const bool ok = buffered() < high_watermark_ && !inner_blocked_;
  if (!ok) user_waits_writable_ = true;
  return ok;
}

std::size_t TlsConnection::buffered() const {
  return held_plaintext_ + (inner_ != nullptr ? inner_->buffered() : 0);
}

void TlsConnection::shutdown_write() {
  if (!usable() || shutdown_wanted_) return;
  shutdown_wanted_ = true;
  if (handshake_done_) start_shutdown();  // else once the handshake completes
}

void TlsConnection::start_shutdown() {
  if (shutdown_done_) return;
  shutdown_done_ = true;
  session_->close_notify();
  flush_ciphertext();
  inner_->shutdown_write();
}

void TlsConnection::close() {
  if (closed_) return;
  closed_ = true;
  if (inner_ == nullptr) return;
  if (!ended_ && handshake_done_ && session_ != nullptr && !shutdown_done_) {
    session_->close_notify();  // best-effort: flushed with the inner close
    flush_ciphertext();
  }
  inner_->close();
}

Endpoint TlsConnection::peer() const { return inner_ != nullptr ? inner_->peer() : Endpoint(); }

std::uint64_t TlsConnection::id() const { return inner_ != nullptr ? inner_->id() : 0; }

std::string TlsConnection::negotiated_alpn() const {
  return session_ != nullptr ? session_->negotiated_alpn() : std::string();
}

void TlsConnection::flush_ciphertext() {
  if (session_ == nullptr || inner_ == nullptr) return;
  std::vector<std::uint8_t> out;
  if (session_->take_ciphertext(&out) == 0) return;
  if (!inner_->write(out)) inner_blocked_ = true;
}

// --- events of the inner connection ---

void TlsConnection::on_connected() {
  if (!usable()) return;
  inner_up_ = true;
  if (session_ == nullptr) {  // the config was refused at connect_tls()
    end(EndReason::kTlsFailure);
    return;
  }
  flush_ciphertext();  // the ClientHello
}

void TlsConnection::set_write_watermarks(std::size_t high, std::size_t low) {
  high_watermark_ = high;
  if (inner_) inner_->set_write_watermarks(high, low);
}

void TlsConnection::pause_reading(bool paused) {
  read_paused_ = paused;
  if (inner_) inner_->pause_reading(paused);
}

void TlsConnection::on_data(std::span<const std::uint8_t> bytes) {
  if (!usable() || session_ == nullptr) return;
  session_->receive_ciphertext(bytes);
  process();
}

void TlsConnection::process() {
  flush_ciphertext();  // handshake replies, or the alert of a failure
  if (session_->status() == TlsStatus::kFailed) {
    tls_error_ = session_->error();
    end(EndReason::kTlsFailure);
    return;
  }
  auto alive = alive_;
  if (!handshake_done_ && session_->status() != TlsStatus::kHandshaking) {
    handshake_done_ = true;
    held_plaintext_ = 0;  // the session encrypted it when the handshake ended
    if (handler_ != nullptr) handler_->on_connected();
    if (!*alive || !usable()) return;
    if (shutdown_wanted_) start_shutdown();
    if (user_waits_writable_ && !inner_blocked_ && buffered() < high_watermark_) {
      user_waits_writable_ = false;
      if (handler_ != nullptr) handler_->on_writable();
      if (!*alive || !usable()) return;
    }
  }
  // Paused: the inner connection delivers nothing more until resumed, and
  // every whole record fed so far was taken in one go, so nothing decrypted
  // is left behind; a close_notify is seen again with the next input.
  if (read_paused_) return;
  std::vector<std::uint8_t> plain;
  session_->take_plaintext(&plain);
  if (SS_PLANTED("tls-rx-tail") && plain.size() > 2000) plain.pop_back();  // planted: last byte of a big read lost
  // planted: what came with the peer's close_notify is lost
  if (SS_PLANTED("tls-close-tail") && session_->status() == TlsStatus::kClosed) plain.clear();
  if (!plain.empty() && handler_ != nullptr) {
    handler_->on_data(plain);
    if (!*alive || !usable()) return;
  }
  if (read_paused_) return;  // paused from inside on_data
  if (session_->status() == TlsStatus::kClosed && !read_closed_) {  // peer's close_notify
    read_closed_ = true;
    if (!allow_half_close_) {
      end(EndReason::kClosedByPeer);
      return;
    }
    if (handler_ != nullptr) handler_->on_read_closed();
  }
}

void TlsConnection::on_read_closed() {
  if (!usable()) return;
  if (!handshake_done_) {
    tls_error_ = make_error(ErrorCode::kTls, "the peer closed the connection during the TLS handshake");
    end(EndReason::kClosedByPeer);
    return;
  }
  if (read_closed_) return;
  read_closed_ = true;  // EOF without close_notify: reported all the same
  if (handler_ != nullptr) handler_->on_read_closed();
}

void TlsConnection::on_writable() {
  inner_blocked_ = false;
  if (!usable() || !handshake_done_ || !user_waits_writable_) return;
  user_waits_writable_ = false;
  if (handler_ != nullptr) handler_->on_writable();
}

void TlsConnection::on_end(EndReason reason) {
  if (!usable()) return;
  if (inner_up_ && !handshake_done_ && tls_error_.ok()) {
    tls_error_ = make_error(ErrorCode::kTls, std::string("the connection ended during the TLS "
                                                         "handshake: ") +
                                                 end_reason_name(reason));
  }
  ended_ = true;  // the inner connection is over; nothing to close
  if (handler_ != nullptr) handler_->on_end(reason);
}

void TlsConnection::end(EndReason reason) {
  ended_ = true;
  inner_->close();  // final and silent; flushes an alert best-effort
  if (handler_ != nullptr) handler_->on_end(reason);
}

}  // namespace ss::proto
