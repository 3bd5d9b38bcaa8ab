// TlsConnection: an ss::Connection that runs a TlsSession over an inner
// ss::Connection, so code above (the stream engine, simulated peers) sees
// plaintext and does not care whether TLS is there.
//
// Contract (on top of net.h's, which it keeps):
//   - on_connected() runs only once the TLS handshake has completed (for
//     both client and server wrappers; a plain accepted Connection has no
//     on_connected, a TLS one does, when the peer is authenticated).
//   - A handshake, verification or record failure ends the connection with
//     on_end(EndReason::kTlsFailure); tls_error() then says why, e.g.
//     "certificate verify failed: certificate has expired (cert 0, subject
//     CN=example.com)". Other ends (refused, reset, DNS, ...) pass through
//     from the inner connection unchanged. With TLS 1.3 a client's handshake
//     completes before the server has judged its certificate, so a refused
//     client certificate shows as kTlsFailure after on_connected().
//   - The peer's close_notify counts as its EOF: kClosedByPeer, or
//     on_read_closed() with allow_half_close.
//   - Plaintext written before the handshake is held and sent after it;
//     buffered() counts it. write() returns false at the high watermark and
//     on_writable() follows once the inner connection drains.
//   - shutdown_write() sends close_notify then the inner EOF; close() sends
//     close_notify best-effort and closes the inner connection, silently.
// Callbacks come only from the inner connection's callbacks (so never
// inline); the handler may close or destroy this object inside any of them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/net.h"
#include "runtime/core/tls.h"

namespace ss::proto {

class TlsConnection final : public Connection, private ConnectionHandler {
 public:
  ~TlsConnection() override;

  // Connection. Plaintext in: sealed into records, held until the handshake.
  void set_handler(ConnectionHandler* handler) override;
  bool write(std::span<const std::uint8_t> bytes) override;
  using Connection::write;
  std::size_t buffered() const override;
  void set_write_watermarks(std::size_t high, std::size_t low) override;
  // Ends: close_notify first, then the inner connection's.
  void shutdown_write() override;
  void close() override;
  // Passed to the inner connection as they are.
  void pause_reading(bool paused) override;
  Endpoint peer() const override;
  std::uint64_t id() const override;

  // Why the connection ended with kTlsFailure, or why a connection that was
  // up ended before the handshake completed; ok() otherwise.
  const Error& tls_error() const { return tls_error_; }
  // Connection::end_detail: tls_error()'s message ("" when ok).
  std::string end_detail() const override { return tls_error_.message(); }
  std::string negotiated_alpn() const override;
  bool handshake_done() const { return handshake_done_; }

 private:
  friend std::unique_ptr<TlsConnection> connect_tls(Net&, TlsProvider&, const Endpoint&,
                                                    const ConnectOptions&,
                                                    const TlsClientConfig&, ConnectionHandler*);
  friend Result<std::unique_ptr<TlsConnection>> accept_tls(std::unique_ptr<Connection>,
                                                            TlsProvider&,
                                                            const TlsServerConfig&,
                                                            const ConnectOptions&);
  TlsConnection(bool server, const ConnectOptions& options, ConnectionHandler* handler);

  // Events of the inner connection.
  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_read_closed() override;
  void on_writable() override;
  void on_end(EndReason reason) override;

  void process();            // after the session took input: deliver what it gave
  void flush_ciphertext();   // session -> inner connection
  void start_shutdown();     // close_notify + inner EOF
  void end(EndReason reason);
  bool usable() const { return !closed_ && !ended_; }

  const bool server_;
  const bool allow_half_close_;
  std::size_t high_watermark_;
  ConnectionHandler* handler_;
  std::unique_ptr<Connection> inner_;
  std::unique_ptr<TlsSession> session_;
  Error tls_error_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::size_t held_plaintext_ = 0;  // written before the handshake ended
  bool inner_up_ = false;  // the inner connection connected (always for servers)
  bool handshake_done_ = false;
  bool shutdown_wanted_ = false;
  bool shutdown_done_ = false;
  bool read_closed_ = false;
  bool read_paused_ = false;    // forwarded to the inner connection
  bool user_waits_writable_ = false;
  bool inner_blocked_ = false;  // the inner write() said false
  bool closed_ = false;         // close() or destruction
  bool ended_ = false;          // on_end delivered (or about to be)
};

// Connects to `to` through `net` and runs a TLS client over it. Never fails
// now: every outcome arrives through `handler` (a bad `config` ends with
// kTlsFailure once the inner connection is up; tls_error() says why).
std::unique_ptr<TlsConnection> connect_tls(Net& net, TlsProvider& provider, const Endpoint& to,
                                           const ConnectOptions& options,
                                           const TlsClientConfig& config,
                                           ConnectionHandler* handler);

// Wraps an accepted connection as a TLS server (simulated HTTPS/WSS peers).
// Call set_handler() to start it, as with any accepted Connection. Only
// `options.allow_half_close` and the watermarks are used. Fails now if
// `config` is unusable (bad certificate or key).
Result<std::unique_ptr<TlsConnection>> accept_tls(std::unique_ptr<Connection> accepted,
                                                  TlsProvider& provider,
                                                  const TlsServerConfig& config,
                                                  const ConnectOptions& options = {});

}  // namespace ss::proto
