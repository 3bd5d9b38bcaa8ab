// Attempt: one connection attempt of a Stream (internal to the engine).
//
// It is the ConnectionHandler of the transport and the BindingHost of the
// binding. Events from a retired attempt (a stale connection) are ignored:
// every call first checks that the attempt is still the stream's current one.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/core/net.h"
#include "runtime/stream/binding.h"
#include "runtime/stream/connection_pool.h"
#include "runtime/stream/phases.h"
#include "runtime/stream/shared_wires.h"
#include "runtime/stream/stream.h"
#include "runtime/stream/target.h"

namespace ss::stream {

class Attempt final : public BindingHost, public ConnectionHandler {
 public:
  Attempt(Stream& s, std::shared_ptr<const Target> target) : s_(s), target_(std::move(target)) {}

  bool live() const { return s_.attempt_.get() == this && !s_.destroyed(); }
  // How far the connection got (phases.h).
  bool transport_up() const { return phase_ != AttemptPhase::kOpening; }
  bool protocol_up() const { return phase_ == AttemptPhase::kProtocolUp; }

  // ConnectionHandler
  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override;
  void on_end(EndReason reason) override;

  // BindingHost
  const policy::Policy& policy() const override;
  const policy::Streamtype& streamtype() const override { return s_.st_; }
  Loop& loop() override;
  std::uint64_t stream_id() const override;
  Rng& rng() override;
  const Endpoint& endpoint() const override { return target_->ep; }
  std::string_view url_path_override() const override { return target_->url_path; }
  bool transport_tls() const override { return tls_; }
  std::optional<std::string_view> metadata(std::string_view name) const override {
    return s_.md_.find(name);
  }
  Error set_rx_metadata(std::string_view name, std::string_view value) override {
    return s_.md_.set(name, value);
  }
  Result<std::string> expand(std::string_view text) const override { return s_.md_.expand(text); }
  std::optional<std::string_view> system_blob(BlobType type, int index) const override;
  bool write(std::span<const std::uint8_t> bytes) override;
  void shutdown_write() override;
  void close_connection(std::string_view protocol_error) override;
  void release_connection() override;
  bool reused_connection() const override { return reused_; }
  std::string negotiated_alpn() const override { return conn_ ? conn_->negotiated_alpn() : std::string(); }
  std::optional<Link> take_connection() override;
  void end_shared(EndReason reason) override;
  std::optional<std::int32_t> manual_rx_credit() const override {
    if (!s_.manual_credit_) return std::nullopt;
    return s_.est_credit_;
  }
  SharedWire* shared_wire() override { return live() ? wire_ : nullptr; }
  void guarded(const std::function<void()>& fn) override;
  bool proxied() const override { return (s_.flags_ & kInfoProxied) != 0; }
  Error check_redirect(std::string_view location) const override;
  void follow_redirect(std::string_view location, bool reusable) override;
  TxPull pull_tx(std::span<std::uint8_t> buf) override;
  const policy::Streamtype& tx_part() const override { return s_.tx_part(); }
  std::optional<std::size_t> announced_tx_len() const override { return s_.tx_len_; }
  bool tx_wanted() const override { return live() && s_.tx_wanted_; }
  void request_tx_turn() override {
    if (live()) s_.post_tx_kick();
  }
  HostVerdict connected() override;
  HostVerdict rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) override;
  HostVerdict transaction_complete(const TxnResult& result) override;
  HostVerdict user_state(int state) override;
  void trace(std::string_view kind, std::string_view text) override;

  bool accepted() const override { return s_.accepted(); }
  const ServerLimits& server_limits() const override;
  void begin_server_txn() override;
  HostVerdict server_txn() override;
  HostVerdict server_upgrade() override;
  std::optional<int> server_ack() const override {
    return s_.extras_ ? s_.extras_->server_ack : std::nullopt;
  }
  std::optional<std::string_view> response_metadata(std::string_view name) const override;

  bool redirect_cross_origin() const override { return cross_origin_; }
  void retry_after_hint(std::uint32_t ms) override {
    if (live()) s_.retry_after_floor_ms_ = ms;
  }

 private:
  // The Stream opens, ends and retires its attempts (stream.cc).
  friend class Stream;

  // (Re)arms phase_timer_: `limit` from now, then the attempt times out.
  void arm_phase_timer(Micros limit, const char* waiting_for, const char* label);
  void cancel_phase_timer();
  // The ConnectionPool / SharedWires key of this attempt's wire, made when
  // asked (at open and when parked) rather than kept: most attempts never
  // park, and the key is a heap string (docs/benchmarks.md, heap per stream).
  std::string pool_key() const;

  Stream& s_;
  // Where this attempt goes (its tls is the policy's view; tls_ below is
  // what the transport does). Shared with the context and the other
  // attempts to the same place (Context::shared_target).
  std::shared_ptr<const Target> target_;
  std::unique_ptr<Relay> relay_;          // routes conn_'s events here (outlives conn_)
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<Binding> binding_;
  SharedWires::Wire* wire_ = nullptr;     // the shared wire this attempt rides (no conn_ of its own)
  TimerId phase_timer_;                   // transport / protocol deadline (Context::Config)
  AttemptPhase phase_ = AttemptPhase::kOpening;
  bool tls_ = false;  // the transport is TLS (the flags below share its word)

  // Facts beside the phase, each independent of how far the connection got
  // and of the others, so not part of AttemptPhase:
  // - what happened on the wire (any phase):
  bool reused_ = false;     // conn_ came from the pool
  bool got_data_ = false;   // the peer sent something on this attempt
  bool pulled_tx_ = false;  // the user's tx() ran on this attempt
  // - transactions on a kept-alive connection (kProtocolUp; one attempt may
  //   carry several, each reported once):
  bool txn_reported_ = false;  // ACK/NACK already raised for the current transaction
  bool txn_ok_ = false;        // some transaction completed on this connection
  bool retry_asked_ = false;   // the peer said "come back later" (503/429)
  std::uint32_t failures_before_connect_ = 0;  // retry budget before CONNECTED reset it
  // - how it ends (requested in any phase; a close may be posted and then the
  //   peer's end come first, so both can hold):
  bool close_posted_ = false;  // a close is posted to the loop
  bool ending_ = false;        // inside on_transport_end: close/release/follow only record
  bool keep_conn_ = false;     // park conn_ in the pool when this attempt ends
  bool cross_origin_ = false;  // a redirect took this attempt to another origin
  // Follow this Location when the attempt ends; made on a redirect only
  // (an optional string would cost every attempt its 40 bytes).
  std::unique_ptr<std::string> redirect_to_;

  HostVerdict verdict() const {
    return live() && !s_.stopping() ? HostVerdict::kContinue : HostVerdict::kStop;
  }
};

}  // namespace ss::stream
