// Net: asynchronous stream connections, listeners and name resolution.
//
// Overview
//   Net is the only way the runtime reaches a peer. The production Net
//   (runtime/posix) uses non-blocking sockets and c-ares; the simulated Net
//   (sim/) moves bytes between simulated hosts with latency, bandwidth and
//   injected faults. Both honour exactly this contract, and one conformance
//   suite checks both.
//
// Endpoints (endpoint.h): TCP host:port (names are resolved by Net), unix
//   path, and Linux abstract unix "@name".
//
// Lifespan and ownership
//   - connect() always returns a Connection in the "connecting" phase; the
//     outcome arrives later through its ConnectionHandler: on_connected(), or
//     on_end() with kRefused / kTimedOut / kDnsFailure / kUnreachable.
//   - The owner of a Connection (the unique_ptr) keeps the handler alive
//     until on_end() has run or until it calls close() / destroys the
//     Connection. close() and destruction are final and silent: no callback
//     runs afterwards, not even on_end() (the end is recorded as
//     kClosedLocally in traces and statistics).
//   - An accepted Connection delivers nothing until set_handler() is called.
//
// Callbacks
//   - Never run inline from a call into Net or Connection: always later,
//     from the Loop.
//   - on_end() runs at most once and is the last callback.
//   - on_data() carries bytes in order, never empty; how the bytes are split
//     into calls is arbitrary (the simulator chooses it to shake out bugs).
//
// Backpressure
//   write() takes every byte (copies it) and returns false once the bytes
//   queued but not yet sent reach the high watermark; on_writable() then
//   runs once the queue drains below the low watermark, or empties (so a
//   low watermark of 0 still wakes the writer). Writes after
//   shutdown_write(), close() or on_end() are dropped and return false.
//
// Read pause (flow control)
//   pause_reading(true) stops on_data / on_read_closed (and an EOF-driven
//   on_end) until pause_reading(false). The bytes wait where the backend
//   keeps them (the kernel socket buffer, the simulated receive queue), so
//   a peer that keeps sending is slowed down by ordinary TCP flow control
//   instead of growing our memory. It takes effect at once: no on_data
//   comes after the call returns, even from inside on_data. Resuming never
//   delivers inline; what waited comes later, from the loop, in order.
//   Errors (a reset) are still delivered while paused.
//
// Half-close
//   By default a peer EOF ends the connection with kClosedByPeer (this is
//   what every Secure Streams protocol wants). With
//   ConnectOptions::allow_half_close, a peer EOF instead runs
//   on_read_closed() and the connection stays writable until closed.
//
// Thread safety: none; call on the Loop's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/endpoint.h"
#include "runtime/core/result.h"
#include "runtime/core/time.h"

namespace ss {

// Why a connection is over. Stable names (end_reason_name) appear in traces.
enum class EndReason {
  kRefused,        // nothing listening / connection refused
  kReset,          // peer or network reset the connection
  kTimedOut,       // connect (or an idle rule of the backend) timed out
  kDnsFailure,     // the name did not resolve (NXDOMAIN, DNS timeout)
  kUnreachable,    // no route to the address (partition, ENETUNREACH)
  kTlsFailure,     // TLS handshake or verification failed (TLS transports)
  kClosedByPeer,   // orderly EOF from the peer
  kClosedLocally,  // our side closed (traces only; never delivered to on_end)
};

const char* end_reason_name(EndReason reason);
// The same reason in words for logs and last-error texts ("connection refused").
const char* end_reason_text(EndReason reason);

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // The connection is up. Writes made before this were queued and now flow.
  virtual void on_connected() {}
  // Bytes from the peer, in order. Never empty.
  virtual void on_data(std::span<const std::uint8_t> bytes) = 0;
  // Only with allow_half_close: the peer will send no more bytes.
  virtual void on_read_closed() {}
  // The send queue drained below the low watermark (or emptied) after
  // write() said false.
  virtual void on_writable() {}
  // The connection is over, and why. Last callback, at most once.
  virtual void on_end(EndReason reason) = 0;
};

struct ConnectOptions {
  Micros connect_timeout = seconds(20);  // 0 = wait forever
  bool allow_half_close = false;
  // TCP only; backends without sockets ignore them. Linux SO_PRIORITY
  // (0..6 unprivileged, 7 needs CAP_NET_ADMIN; -1 = leave alone) and the
  // IPv4 TOS / IPv6 traffic class byte (-1 = leave alone). A value the
  // kernel refuses is skipped (the connection goes on).
  int socket_priority = -1;
  int ip_tos = -1;
  std::size_t high_watermark = 256 * 1024;
  std::size_t low_watermark = 64 * 1024;
};

class Connection {
 public:
  virtual ~Connection() = default;  // same as close()

  // For accepted connections: start delivering events to `handler`.
  virtual void set_handler(ConnectionHandler* handler) = 0;

  // Queues bytes (copied). Returns false when the caller should wait for
  // on_writable() before writing more.
  virtual bool write(std::span<const std::uint8_t> bytes) = 0;
  bool write(std::string_view text) {
    return write(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }

  // Bytes queued and not yet handed to the network.
  virtual std::size_t buffered() const = 0;

  // Sets the write watermarks (ConnectOptions::high_watermark /
  // low_watermark) from now on. For accepted connections, whose options
  // nobody chose: a server that paces a peer by its own marks (the SS
  // proxy, docs/proxy.md) sets them once it knows them.
  virtual void set_write_watermarks(std::size_t high, std::size_t low) = 0;

  // Sends EOF after the queued bytes; reading goes on.
  virtual void shutdown_write() = 0;

  // Stops (true) or resumes (false) delivering what the peer sends; see
  // "Read pause" above. Idempotent.
  virtual void pause_reading(bool paused) = 0;

  // Ends the connection now (queued bytes are flushed best-effort). Final and
  // silent: no callback runs afterwards.
  virtual void close() = 0;

  // Who is on the other end (resolved address for TCP).
  virtual Endpoint peer() const = 0;

  // Who the peer is, for per-client limits: backends that can tell a local
  // peer's credentials say "uid:U pid:P" (unix sockets); otherwise the
  // peer's address without its port.
  virtual std::string peer_identity() const;

  // Unique per Net instance; used in traces and logs.
  virtual std::uint64_t id() const = 0;

  // Why the connection ended, in words, when the transport knows more than
  // its EndReason says (a TLS transport: which certificate check failed,
  // docs/tls.md); "" otherwise. Read it from on_end() or later.
  virtual std::string end_detail() const { return {}; }

  // The protocol the peer picked by ALPN on a TLS connection, once it is
  // up ("h2", "http/1.1"); "" for other transports or when none was picked.
  virtual std::string negotiated_alpn() const { return {}; }
};

class Listener {
 public:
  virtual ~Listener() = default;  // stops listening
  // The bound endpoint (with the real port when port 0 was asked for).
  virtual Endpoint local() const = 0;
};

// Receives accepted connections. Call set_handler() on each to start it.
using AcceptCallback = std::function<void(std::unique_ptr<Connection>)>;

// Addresses for a name, as IP literals, in the resolver's order.
using ResolveCallback = std::function<void(Result<std::vector<std::string>>)>;

struct ResolveId {
  std::uint64_t value = 0;
  explicit operator bool() const { return value != 0; }
};

class Net {
 public:
  virtual ~Net() = default;

  // Starts a connection; see the contract above. `handler` must outlive the
  // returned Connection's events.
  virtual std::unique_ptr<Connection> connect(const Endpoint& to,
                                              const ConnectOptions& options,
                                              ConnectionHandler* handler) = 0;

  // Binds and listens. Errors (address in use, bad path) are returned now.
  virtual Result<std::unique_ptr<Listener>> listen(const Endpoint& at,
                                                   AcceptCallback on_accept) = 0;

  // Resolves a DNS name (IP literals resolve to themselves). The callback
  // runs later, exactly once, unless cancel_resolve() returned true first.
  // A failure is ErrorCode::kNotFound (NXDOMAIN) or kIo (timeout, server).
  virtual ResolveId resolve(std::string_view name, ResolveCallback done) = 0;
  virtual bool cancel_resolve(ResolveId id) = 0;
};

}  // namespace ss
