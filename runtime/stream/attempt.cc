// Attempt's methods: transport and binding events of one connection attempt
// (attempt.h). The Stream opens, ends and retires attempts (stream.cc).
#include "runtime/stream/attempt.h"

#include <string>
#include <utility>

#include "runtime/core/planted.h"
#include "runtime/stream/context.h"
#include "runtime/stream/target.h"

namespace ss::stream {

const policy::Policy& Attempt::policy() const { return s_.ctx_.policy(); }
Loop& Attempt::loop() { return s_.ctx_.loop(); }
std::uint64_t Attempt::stream_id() const { return s_.id_; }
Rng& Attempt::rng() { return s_.ctx_.rng(); }

void Attempt::on_connected() {
  if (!live()) return;
  Stream::Guard g(&s_);
  move_to(phase_, AttemptPhase::kTransportUp);
  s_.update_rx_pause();  // a consumer that holds rx holds this connection too
  arm_phase_timer(s_.ctx_.protocol_timeout(), "the protocol handshake", "protocol deadline");
  binding_->on_transport_connected();
}

void Attempt::arm_phase_timer(Micros limit, const char* waiting_for, const char* label) {
  cancel_phase_timer();
  if (limit <= 0) return;
  std::weak_ptr<Stream*> weak = s_.token_;
  Attempt* self = this;
  phase_timer_ = s_.ctx_.loop().after(limit, [weak, self, limit, waiting_for] {
    auto tok = weak.lock();
    if (!tok || !*tok) return;
    Stream* s = *tok;
    if (s->attempt_.get() != self) return;
    self->phase_timer_ = {};
    Stream::Guard g(s);
    const std::string why = "timed out after " + std::to_string(limit / kMicrosPerMilli) + " ms waiting for " +
                            waiting_for;
    s->ctx_.log("stream " + std::to_string(s->id_) + " (" + s->st_.name + "): " + why);
    if (self->conn_) self->conn_->close();
    if (self->wire_) s->ctx_.wires().give_up(std::exchange(self->wire_, nullptr), self, EndReason::kTimedOut);
    s->attempt_ended(EndReason::kTimedOut, false, why);
  }, {"ss", s_.id_, label});
}

void Attempt::cancel_phase_timer() {
  if (phase_timer_) s_.ctx_.loop().cancel(phase_timer_);
  phase_timer_ = {};
}

void Attempt::on_data(std::span<const std::uint8_t> bytes) {
  if (!live()) return;
  Stream::Guard g(&s_);
  if (reused_ && !transport_up()) {
    // The idle peer spoke before our request went out (typically a 408
    // before it closes): this connection is not reusable after all.
    conn_->close();
    s_.attempt_ended(EndReason::kReset, false);
    return;
  }
  got_data_ = true;
  binding_->on_transport_data(bytes);
}

void Attempt::on_writable() {
  if (!live()) return;
  Stream::Guard g(&s_);
  binding_->on_transport_writable();
}

void Attempt::guarded(const std::function<void()>& fn) {
  if (!live()) return;
  Stream::Guard g(&s_);
  fn();
}

void Attempt::on_end(EndReason reason) {
  if (!live()) return;
  Stream::Guard g(&s_);
  // The Connection object is kept (not destroyed inside its own callback);
  // retire_attempt() reclaims it from the loop.
  s_.attempt_ended(reason, false);
}

bool Attempt::write(std::span<const std::uint8_t> bytes) {
  if (!live() || !conn_) return false;
  return conn_->write(bytes);
}

void Attempt::shutdown_write() {
  if (live() && conn_) conn_->shutdown_write();
}

void Attempt::close_connection(std::string_view protocol_error) {
  if (!live() || close_posted_) return;
  // Logged even while the connection ends (a body truncated by the peer's
  // close is found then); the close itself is already under way.
  if (!protocol_error.empty()) {
    s_.ctx_.log("stream " + std::to_string(s_.id_) + " (" + s_.st_.name +
                "): protocol error: " + std::string(protocol_error));
  }
  if (ending_) return;
  if (s_.depth_ > 0) {
    s_.pending_disconnect_ = true;
    return;
  }
  close_posted_ = true;
  std::weak_ptr<Stream*> weak = s_.token_;
  Attempt* self = this;
  s_.ctx_.loop().post([weak, self] {
    auto tok = weak.lock();
    if (!tok || !*tok) return;
    Stream* s = *tok;
    if (s->attempt_.get() != self) return;
    Stream::Guard g(s);
    s->pending_disconnect_ = true;
  });
}

std::optional<Link> Attempt::take_connection() {
  if (!live() || !conn_ || !relay_) return std::nullopt;
  relay_->set_target(nullptr);
  return Link{std::move(relay_), std::move(conn_)};
}

void Attempt::end_shared(EndReason reason) {
  if (!live() || close_posted_ || ending_) return;
  close_posted_ = true;
  std::weak_ptr<Stream*> weak = s_.token_;
  Attempt* self = this;
  s_.ctx_.loop().post([weak, self, reason] {
    auto tok = weak.lock();
    if (!tok || !*tok || (*tok)->attempt_.get() != self) return;
    Stream::Guard g(*tok);
    (*tok)->attempt_ended(reason, false);
  });
}

std::optional<std::string_view> Attempt::system_blob(BlobType type, int index) const {
  return s_.ctx_.blobs().text(SystemBlobs::slot(type, index));
}

void Attempt::release_connection() {
  if (!live() || close_posted_ || ending_) return;
  keep_conn_ = true;
  close_connection("");
}

std::string Attempt::pool_key() const { return stream::pool_key(target_->ep, tls_, s_.st_, binding_->alpn()); }

Error Attempt::check_redirect(std::string_view location) const {
  auto t = redirect_target(Target{target_->ep, tls_, target_->url_path}, location, s_.redirect_hops_);
  return t ? Error() : t.error();
}

void Attempt::follow_redirect(std::string_view location, bool reusable) {
  if (!live() || close_posted_) return;
  redirect_to_ = std::make_unique<std::string>(location);
  if (ending_) return;  // a body that ended with the peer's close: just follow
  keep_conn_ = reusable;
  close_connection("");
}

TxPull Attempt::pull_tx(std::span<std::uint8_t> buf) {
  TxPull out;
  if (!live() || s_.stopping()) {
    out.kind = TxPull::Kind::kStop;
    return out;
  }
  pulled_tx_ = true;
  s_.tx_wanted_ = false;
  // BUGGIFY: a small buffer this time (the API promises no size).
  if (buf.size() > 1 && s_.ctx_.buggify("stream.tx_small_buffer")) buf = buf.first(1 + buf.size() % 61);
  std::size_t len = buf.size();
  std::uint32_t flags = 0;
  Ret r = Ret::kTxDontSend;
  if (s_.ctx_.observing()) s_.observe(EngineEvent(EngineEvent::Kind::kTx));
  if (s_.handlers_->has_tx()) r = s_.handlers_->tx(s_.tx_ordinal_++, buf, len, flags);
  s_.observe_answer(EngineEvent::Kind::kTx, r);
  if (r == Ret::kOk && len > buf.size()) {
    s_.ctx_.violation("stream " + std::to_string(s_.id_) + ": tx callback claimed " +
                      std::to_string(len) + " bytes of a " + std::to_string(buf.size()) +
                      "-byte buffer");
    len = buf.size();
  }
  s_.apply(r);
  if (s_.stopping()) {
    out.kind = TxPull::Kind::kStop;  // never send what a DISCONNECT/DESTROY answer came with
    return out;
  }
  if (r == Ret::kTxDontSend && !SS_PLANTED("tx-dont-send-sent")) {  // planted: the buffer goes out anyway
    out.kind = TxPull::Kind::kDontSend;
    return out;
  }
  out.kind = TxPull::Kind::kData;
  out.len = len;
  out.flags = flags;
  // An EOM ends the current rideshare part; the announced length covers
  // the whole transaction, so it is spent once the last part ends.
  if ((flags & kFlagEom) && !s_.end_tx_part()) s_.tx_len_.reset();
  return out;
}

HostVerdict Attempt::connected() {
  if (!live() || s_.stopping()) return HostVerdict::kStop;
  if (protocol_up()) {
    if (!txn_reported_) return verdict();  // duplicate CONNECTED: swallowed
    // Next transaction on a kept-alive connection.
    txn_reported_ = false;
    s_.raise(State::kConnecting);
    if (!live() || s_.stopping()) return HostVerdict::kStop;
  }
  if (!protocol_up()) move_to(phase_, AttemptPhase::kProtocolUp);
  cancel_phase_timer();
  failures_before_connect_ = s_.budget_.failures();
  if (!SS_PLANTED("retry-not-reset")) s_.budget_.reset();  // planted: failures still count after a connection
  s_.seq_ = Stream::Seq::kConnected;
  s_.last_error_.reset();
  if (SS_PLANTED("tx-asked-connecting-lost")) s_.tx_wanted_ = false;  // planted: request_tx before CONNECTED forgotten
  s_.raise(State::kConnected);
  if (s_.tx_wanted_) s_.post_tx_kick();
  return verdict();
}

HostVerdict Attempt::rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) {
  // planted: the read in hand goes on to the user after it destroyed the stream
  const bool go_on = SS_PLANTED("rx-after-destroy") && s_.pending_destroy_;
  if (!live() || (s_.stopping() && !go_on)) return HostVerdict::kStop;
  // BUGGIFY: the same bytes in two callbacks (SOM on the first piece, EOM
  // on the last), as a smaller read would deliver them.
  if (bytes.size() > 1 && s_.ctx_.buggify("stream.rx_split")) {
    const std::size_t half = bytes.size() / 2;
    if (s_.deliver_rx(bytes.first(half), flags & ~static_cast<std::uint32_t>(kFlagEom)) == HostVerdict::kStop ||
        !live() || s_.stopping())
      return HostVerdict::kStop;
    return s_.deliver_rx(bytes.subspan(half), flags & ~static_cast<std::uint32_t>(kFlagSom));
  }
  return s_.deliver_rx(bytes, flags);
}

HostVerdict Attempt::transaction_complete(const TxnResult& result) {
  if (!live() || s_.stopping()) return HostVerdict::kStop;
  if (result.per_message) {  // mqtt: one per publish, the connection's status untouched
    const State state = result.ok ? State::kQosAckRemote : State::kQosNackRemote;
    if (!s_.hold_state(state)) s_.raise(state);
    return verdict();
  }
  if (txn_reported_) return verdict();  // one ACK/NACK per transaction
  txn_reported_ = true;
  txn_ok_ = !result.retry;
  retry_asked_ = result.retry;
  if (result.retry_after_ms) s_.retry_after_floor_ms_ = *result.retry_after_ms;
  const State state = result.ok ? State::kQosAckRemote : State::kQosNackRemote;
  if (!s_.hold_state(state)) s_.raise(state);  // after the rx still held, if any
  return verdict();
}

const ServerLimits& Attempt::server_limits() const { return s_.ctx_.server_limits(); }

void Attempt::begin_server_txn() {
  if (!live()) return;
  s_.md_.clear();
  if (s_.extras_) {
    s_.extras_->server_ack.reset();
    s_.extras_->response_md.clear();
  }
  s_.tx_len_.reset();
}

HostVerdict Attempt::server_txn() {
  if (!live() || s_.stopping()) return HostVerdict::kStop;
  s_.raise(State::kServerTxn);
  return verdict();
}

HostVerdict Attempt::server_upgrade() {
  if (!live() || s_.stopping()) return HostVerdict::kStop;
  s_.raise(State::kServerUpgrade);
  return verdict();
}

std::optional<std::string_view> Attempt::response_metadata(std::string_view name) const {
  if (!s_.extras_) return std::nullopt;
  for (const auto& n : s_.extras_->response_md) {
    if (n == name) return s_.md_.find(name);
  }
  return std::nullopt;
}

void Attempt::trace(std::string_view kind, std::string_view text) {
  if (live()) s_.ctx_.trace(kind, "ss" + std::to_string(s_.id_) + " " + std::string(text));
}

HostVerdict Attempt::user_state(int state) {
  if (!live() || s_.stopping()) return HostVerdict::kStop;
  // Bindings speak the C API's numbers (user states are kUserBase + n).
  if (!s_.hold_state(to_state(state))) s_.raise(to_state(state));
  return verdict();
}

}  // namespace ss::stream
