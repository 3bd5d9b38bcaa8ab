// Attempt: one connection attempt of a Stream (internal to the engine).
//
// It is the ConnectionHandler of the transport and the BindingHost of the
// binding. Events from a retired attempt (a stale connection) are ignored:
// every call first checks that the attempt is still the stream's current one.
#pragma once

#include <memory>
#include <string>

#include "runtime/core/net.h"
#include "runtime/stream/binding.h"
#include "runtime/stream/connection_pool.h"
#include "runtime/stream/stream.h"

namespace ss::stream {

class Attempt final : public BindingHost, public ConnectionHandler {
 public:
  Attempt(Stream& s, Endpoint endpoint, std::string url_path)
      : s_(s), endpoint_(std::move(endpoint)), url_path_(std::move(url_path)) {}

  bool live() const { return s_.attempt_.get() == this && !s_.destroyed_; }

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
  const Endpoint& endpoint() const override { return endpoint_; }
  std::string_view url_path_override() const override { return url_path_; }
  bool transport_tls() const override { return tls; }
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
  bool reused_connection() const override { return reused; }
  bool proxied() const override { return (s_.info_.flags & kInfoProxied) != 0; }
  Error check_redirect(std::string_view location) const override;
  void follow_redirect(std::string_view location, bool reusable) override;
  TxPull pull_tx(std::span<std::uint8_t> buf) override;
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

  Stream& s_;
  Endpoint endpoint_;
  std::string url_path_;
  bool tls = false;
  std::string pool_key;                  // ConnectionPool key for this attempt's wire
  std::unique_ptr<Relay> relay;          // routes conn's events here (outlives conn)
  std::unique_ptr<Connection> conn;
  bool reused = false;                   // conn came from the pool
  bool keep_conn = false;                // park conn in the pool when this attempt ends
  bool got_data = false;                 // the peer sent something on this attempt
  bool pulled_tx = false;                // the user's tx() ran on this attempt
  std::optional<std::string> redirect_to;  // follow this Location when the attempt ends
  TimerId phase_timer;                   // transport / protocol deadline (Context::Config)

  // (Re)arms phase_timer: `limit` from now, then the attempt times out.
  void arm_phase_timer(Micros limit, const char* waiting_for, const char* label);
  void cancel_phase_timer();
  std::unique_ptr<Binding> binding;
  bool transport_up = false;
  bool proto_connected = false;
  bool txn_ok = false;        // a transaction completed on this connection
  bool retry_asked = false;   // the peer said "come back later" (503/429)
  std::uint32_t failures_before_connect = 0;  // retry budget before CONNECTED reset it
  bool txn_reported = false;  // ACK/NACK already raised for the current transaction
  bool close_posted = false;
  bool ending = false;        // inside on_transport_end: close/release/follow only record
  bool cross_origin = false;  // a redirect took this attempt to another origin
  bool redirect_cross_origin() const override { return cross_origin; }
  void retry_after_hint(std::uint32_t ms) override {
    if (live()) s_.retry_after_floor_ms_ = ms;
  }

 private:
  HostVerdict verdict() const {
    return live() && !s_.stopping() ? HostVerdict::kContinue : HostVerdict::kStop;
  }
};

}  // namespace ss::stream
