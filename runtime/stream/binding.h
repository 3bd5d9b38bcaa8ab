// Binding: the interface between the stream engine and a protocol binding.
//
// Overview
//   The stream engine (stream.h) owns a stream's lifecycle: states, retry,
//   timeouts, metadata, the user's callbacks. A protocol binding (raw, h1,
//   ws, mqtt, ...) owns what happens on one connection: which bytes go out,
//   what the incoming bytes mean, when the protocol counts as "connected"
//   and when a transaction is complete. One Binding object lives for exactly
//   one connection attempt; the engine makes a new one for every attempt via
//   the BindingFactory registered for the streamtype's protocol.
//
//   Engine -> Binding: the calls on `Binding` (transport up, bytes in,
//   writable, user asked to send, transport ended).
//   Binding -> Engine: the calls on `BindingHost` (write bytes, pull the
//   user's tx, report connected / rx / transaction result / close).
//
// Transport
//   The engine creates the byte transport (plain ss::Connection, or the TLS
//   wrapper when the attempt is TLS; see Stream::open_attempt in stream.cc
//   and Context::set_tls_transport / tls_transport.h) and connects it. The
//   binding never sees TLS: BindingHost::write() takes plaintext and
//   on_transport_data() gives plaintext.
//
// Lifespan and re-entrancy (important)
//   - The engine never destroys a Binding from inside one of its calls. If
//     a host call leads to a disconnect or destroy (the user returned
//     DISCONNECT_ME / DESTROY_ME, or called lws_ss_destroy in a callback),
//     the host call returns HostVerdict::kStop; the binding must then return
//     promptly without calling the host again in that call. The engine tears
//     the connection (and the Binding) down after the call unwinds.
//   - After on_transport_end() the binding gets no further calls and is
//     destroyed.
//   - All calls run on the context's Loop thread.
//
// State mapping rules (docs/secure-streams.md §2.4) a binding follows
//   - Report connected() once per protocol-level connection (raw: transport
//     up; h1: response headers, or the request head for a proxied request
//     with a body, see runtime/bind/h1/h1_binding.h; ws: handshake done). A second connected() on
//     the same connection is ignored except after a completed transaction
//     (h1 keep-alive): the engine then raises CONNECTING, CONNECTED again.
//   - Report transaction_complete() at most once per transaction, with the
//     outcome (QOS_ACK_REMOTE / QOS_NACK_REMOTE) and optional Retry-After.
//   - user_state(n >= 1000) for http_resp_map hits.
//   - Call close_connection() (or let the transport end) when the protocol
//     is done; the engine then decides DISCONNECTED / UNREACHABLE / retry by
//     the rules of docs/secure-streams.md §2.6 and docs/states.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/result.h"
#include "runtime/core/rng.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/relay.h"
#include "runtime/stream/system_blobs.h"

namespace ss::stream {

// LWSSS_FLAG_* (docs/secure-streams.md §2.9), 32-bit on the wire.
enum PayloadFlag : std::uint32_t {
  kFlagSom = 1u << 0,
  kFlagEom = 1u << 1,
  kFlagPoll = 1u << 2,
  kFlagRelatedStart = 1u << 3,
  kFlagRelatedEnd = 1u << 4,
  kFlagRideshare = 1u << 5,
  kFlagPerfJson = 1u << 6,
};

// What a host call tells the binding to do next.
enum class HostVerdict {
  kContinue,  // carry on
  kStop,      // the connection is going away: return now, no more host calls
};

// What a server stream allows its clients (docs/api.md "Serving"). lws has
// no policy keys for these; they are the context's (Context::Config), with
// these defaults.
struct ServerLimits {
  std::size_t max_clients = 64;               // live accepted streams per server
  std::uint64_t max_body = 1024 * 1024;       // request body bytes (h1): beyond -> 413, close
  Micros head_timeout = seconds(10);          // a request head must be complete this long
                                              // after the connection or the previous
                                              // response (slowloris)
  Micros idle_timeout = seconds(30);          // no byte in or out for this long -> close
};

// Result of pulling one chunk of user payload (the user's tx callback).
struct TxPull {
  enum class Kind {
    kData,        // `len` bytes (possibly 0) were written to the buffer, with `flags`
    kDontSend,    // user returned TX_DONT_SEND: send nothing, not even a frame
    kStop,        // user returned DISCONNECT_ME / DESTROY_ME, or no credit: send nothing
  };
  Kind kind = Kind::kDontSend;
  std::size_t len = 0;
  std::uint32_t flags = 0;
};

// Outcome of a transaction (h1 response, MQTT publish ack, ...).
struct TxnResult {
  bool ok = true;                           // QOS_ACK_REMOTE if true, else QOS_NACK_REMOTE
  std::optional<std::uint32_t> retry_after_ms;  // 503/429 Retry-After hint for the backoff
  // The server asked us to come back later (HTTP 503/429): after the
  // connection closes, the retry engine backs off (at least retry_after_ms)
  // and tries again, opportunistic or not (docs/secure-streams.md §2.4), within its budget.
  bool retry = false;
  // One of many results on the same connection (MQTT: one per QoS 1
  // publish, PUBACK or resends exhausted). Raises the state each time and
  // leaves the connection's transaction status alone: an MQTT connection
  // that later drops still reconnects (docs/protocols.md "MQTT").
  bool per_message = false;
};

// A connection several streams ride at once: the bindings of a protocol
// whose Binding::shares_wire() is true (MQTT: one broker connection carries
// the subscriptions and publishes of every stream to that broker, as in
// libwebsockets; docs/protocols.md "MQTT"). The engine owns the wire (one
// per ConnectionPool key), knows which streams ride it, gives each rider
// on_transport_connected() once the wire is up and on_transport_end() when
// it ends, and closes it when the last rider leaves. The protocol keeps its
// per-connection state in the wire (WireState, made by the first rider that
// finds none) and routes the wire's bytes to its riders itself.
class WireState {
 public:
  virtual ~WireState() = default;
  virtual void on_wire_data(std::span<const std::uint8_t> bytes) = 0;
  virtual void on_wire_writable() = 0;
};

// What a protocol remembers about a place (a ConnectionPool key) from one
// wire to the next: it outlives every wire there and lives as long as the
// context (MQTT: the client id and the QoS 1 publishes still waiting for
// their PUBACK, which the next connection resends; docs/protocols.md "MQTT").
class WireMemory {
 public:
  virtual ~WireMemory() = default;
};

class SharedWire {
 public:
  virtual ~SharedWire() = default;
  // The protocol's memory of this wire's place; empty until a rider sets it.
  virtual std::unique_ptr<WireMemory>& memory() = 0;
  // The protocol's state of this wire; nullptr until a rider sets it. It
  // lives until the wire ends or its last rider has left (after the riders'
  // on_transport_end()).
  virtual WireState* state() = 0;
  virtual void set_state(std::unique_ptr<WireState> state) = 0;
  // Bytes to the peer; false: wait for WireState::on_wire_writable().
  virtual bool write(std::span<const std::uint8_t> bytes) = 0;
  // The connection's id (traces).
  virtual std::uint64_t id() const = 0;
  // Riders now on the wire.
  virtual std::size_t riders() const = 0;
};

// The engine side, as seen by a binding. Valid for the Binding's lifetime.
class BindingHost {
 public:
  virtual ~BindingHost() = default;

  // --- context ---------------------------------------------------------
  virtual const policy::Policy& policy() const = 0;
  virtual const policy::Streamtype& streamtype() const = 0;
  virtual Loop& loop() = 0;
  // The stream's id ("ss3" in traces); names the binding's timers.
  virtual std::uint64_t stream_id() const { return 0; }
  virtual Rng& rng() = 0;  // the context's generator (ws masks, keys)
  // Where the transport connected to (after ${md} expansion and URL
  // overrides): host, port, path, tls, for Host headers and the like.
  virtual const Endpoint& endpoint() const = 0;
  // Path from an endpoint URL override ("" if none), e.g. "/x" of "ws://h/x".
  virtual std::string_view url_path_override() const = 0;
  // Whether this attempt's transport is TLS (the streamtype's `tls`, or an
  // https/wss endpoint URL or redirect).
  virtual bool transport_tls() const { return streamtype().tls; }

  // --- metadata (docs/secure-streams.md §4.1) --------------------------
  // Value of a declared metadata item, or nullopt if undeclared or unset.
  virtual std::optional<std::string_view> metadata(std::string_view name) const = 0;
  // Store a value that arrived from the peer (e.g. a mapped response
  // header). Fails for undeclared names unless direct_proto_str.
  virtual Error set_rx_metadata(std::string_view name, std::string_view value) = 0;
  // Expands ${name} in `text` with metadata values. An undeclared name is
  // an error (the attempt is abandoned); declared but unset -> "".
  virtual Result<std::string> expand(std::string_view text) const = 0;
  // A system blob of the context (system_blobs.h), as text; nullopt if unset.
  virtual std::optional<std::string_view> system_blob(BlobType type, int index = 0) const {
    return std::nullopt;
  }

  // --- transport -------------------------------------------------------
  // Queue bytes to the peer (plaintext; TLS is below). Returns false when
  // the binding should wait for on_transport_writable().
  virtual bool write(std::span<const std::uint8_t> bytes) = 0;
  virtual void shutdown_write() = 0;
  // Ask the engine to close this connection (protocol finished or broken).
  // `protocol_error` describes why, for logs/traces ("" for a normal end).
  // The binding gets on_transport_end() later, never inline.
  virtual void close_connection(std::string_view protocol_error) = 0;
  // The transaction is over and the connection could carry another one
  // (h1 keep-alive, nothing left unread or unsent). Like
  // close_connection(""), for the stream; the wire itself is parked in the
  // context's ConnectionPool for the next attempt to the same place.
  virtual void release_connection() { close_connection(""); }
  // True when this attempt runs on a connection taken from the pool.
  virtual bool reused_connection() const { return false; }
  // The protocol the server picked by ALPN (TLS), "" when none.
  virtual std::string negotiated_alpn() const { return {}; }

  // --- multiplexed connections (h2: many streams, one wire) -------------
  // Hands this attempt's connected wire to the binding, which keeps it for
  // every stream it multiplexes (the relay's target is cleared: the caller
  // sets its own). From then on the attempt has no transport of its own:
  // write() and shutdown_write() do nothing, and the attempt ends by
  // close_connection() or end_shared(). Empty when there is no wire.
  virtual std::optional<Link> take_connection() { return std::nullopt; }
  // The stream's part of a shared connection ended without our asking
  // (h2: RST_STREAM, a GOAWAY that refused it, the wire's end): the
  // attempt ends as if its own transport had ended with `reason` (the
  // engine's retry rules then apply), from the loop, never inline.
  virtual void end_shared(EndReason reason) { close_connection(end_reason_text(reason)); }
  // With manual rx credit (manual_initial_tx_credit), what the peer may
  // still send this stream (get_est_peer_tx_credit); nullopt without.
  virtual std::optional<std::int32_t> manual_rx_credit() const { return std::nullopt; }
  // The shared wire this attempt rides (Binding::shares_wire()), or nullptr.
  virtual SharedWire* shared_wire() { return nullptr; }
  // Runs `fn` (which calls into this binding) the way the engine's own
  // calls run: a disconnect or destroy the user asks for inside it waits
  // until it returns. For bindings whose events come from a shared
  // connection rather than this attempt's transport (an MQTT wire's
  // session, an h2 connection). Nothing runs once the attempt is over.
  virtual void guarded(const std::function<void()>& fn) { fn(); }
  // True when the stream is an SS proxy's onward stream (kInfoProxied).
  virtual bool proxied() const { return false; }

  // --- redirects (h1 allow_redirects) -------------------------------------
  // `location` is an absolute URL ("http[s]://host[:port]/path") or an
  // absolute path ("/path", same origin). check_redirect says why the
  // engine will not follow it (hop limit, a TLS downgrade, another scheme,
  // a bad URL), or ok.
  virtual Error check_redirect(std::string_view location) const {
    return make_error(ErrorCode::kUnsupported, "redirects are not supported here");
  }
  // The peer refused us with a "come back later" hint before any
  // CONNECTED (e.g. a ws upgrade answered 503 with Retry-After): the next
  // retry of the policy waits at least `ms`.
  virtual void retry_after_hint(std::uint32_t ms) {}
  // True when a redirect brought this attempt to another origin (scheme,
  // host or port) than the policy's: credentials must not follow.
  virtual bool redirect_cross_origin() const { return false; }
  // Follows a location check_redirect accepted: this connection ends (kept
  // for reuse when `reusable`) and a new attempt goes to the location with
  // no state raised in between (the user sees one transaction).
  virtual void follow_redirect(std::string_view location, bool reusable) {
    close_connection("redirect not supported");
  }

  // --- user payload ----------------------------------------------------
  // Calls the user's tx() with a buffer of `buf.size()` bytes (at most).
  // The engine handles the return code; see TxPull. It clears tx_wanted().
  // A binding may also call it while tx_wanted() is false to continue a
  // message the user has not finished (h1 body before EOM); the user's tx()
  // is called either way. Never called by the engine itself.
  virtual TxPull pull_tx(std::span<std::uint8_t> buf) = 0;
  // The streamtype whose part of the transaction the next pull_tx() yields:
  // streamtype() or one of its rideshare chain (docs/protocols.md
  // "Rideshare"). After a pulled EOM it names the next part; after the last
  // part's EOM it stays on that part (the transaction's body is over).
  virtual const policy::Streamtype& tx_part() const { return streamtype(); }
  // Length announced with request_tx_len(), if any (h1 Content-Length); with
  // a rideshare chain, the payload of all parts together.
  virtual std::optional<std::size_t> announced_tx_len() const = 0;
  // True while the user has asked to send (request_tx) and has not been
  // served yet. A binding that can send calls pull_tx() while this holds.
  virtual bool tx_wanted() const = 0;
  // Asks for on_tx_requested() again in a later loop turn (while the user
  // still wants to send), e.g. to yield after sending a batch of chunks.
  virtual void request_tx_turn() {}

  // --- diagnostics -------------------------------------------------------
  // A protocol fact for the context's trace hook, as `kind` with text
  // "ss<id> <text>": "h1.status" (each response's status), "ws.close" (the
  // peer's Close code and reason). Tools read them to say how a transfer
  // ended (docs/tools.md); no behaviour depends on them.
  virtual void trace(std::string_view kind, std::string_view text) {}

  // --- serving (accepted streams of a server streamtype, docs/api.md
  //     "Serving") --------------------------------------------------------
  // True when this connection was accepted by a server stream: the binding
  // is the server side (made by the factory registered for Role::kServer).
  virtual bool accepted() const { return false; }
  virtual const ServerLimits& server_limits() const {
    static const ServerLimits kDefaults;
    return kDefaults;
  }
  // A new request's metadata (path, method, mapped headers, URL args) are
  // about to be stored: forget the previous transaction's values and ack.
  virtual void begin_server_txn() {}
  // Raises SERVER_TXN: the request's metadata are set; the user reads them,
  // acks (lws_ss_server_ack) and asks to send the response body.
  virtual HostVerdict server_txn() { return HostVerdict::kStop; }
  // Raises SERVER_UPGRADE on the accepted stream (never on the listener,
  // docs/states.md "Serving"): the connection now speaks WebSocket; the
  // user may change_handlers() for the rest of it.
  virtual HostVerdict server_upgrade() { return HostVerdict::kStop; }
  // The user's lws_ss_server_ack for the current transaction (0 = OK, else
  // the status to answer), nullopt when the user has not acked.
  virtual std::optional<int> server_ack() const { return std::nullopt; }
  // Metadata the user set for the response since begin_server_txn() (a
  // mapped header the request also carried is not echoed back).
  virtual std::optional<std::string_view> response_metadata(std::string_view name) const {
    return std::nullopt;
  }

  // --- events to the engine ---------------------------------------------
  // Protocol-level connection established -> CONNECTED.
  virtual HostVerdict connected() = 0;
  // Payload for the user's rx() with LWSSS_FLAG_* flags.
  virtual HostVerdict rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) = 0;
  // Transaction finished -> QOS_ACK_REMOTE / QOS_NACK_REMOTE.
  virtual HostVerdict transaction_complete(const TxnResult& result) = 0;
  // A user state (>= 1000) from http_resp_map, or AUTH_FAILED (4).
  virtual HostVerdict user_state(int state) = 0;
};

// The protocol side. One per connection attempt.
class Binding {
 public:
  virtual ~Binding() = default;

  // Short name for traces ("raw", "h1", "ws").
  virtual const char* name() const = 0;
  // True when streams to the same place share one connection (SharedWire):
  // the engine then never gives this binding a wire of its own.
  virtual bool shares_wire() const { return false; }
  // ALPN protocols to offer when the transport is TLS.
  virtual std::vector<std::string> alpn() const { return {}; }
  // True when this attempt joins a connection another attempt's binding
  // already holds (h2 streams of one endpoint): the engine opens no
  // transport; on_transport_connected() comes from the loop and the
  // binding writes through the shared connection (BindingHost
  // take_connection / end_shared).
  virtual bool shares_connection() const { return false; }

  // The transport is up. Start the protocol (send request / handshake), or
  // for raw, report connected() at once.
  virtual void on_transport_connected() = 0;
  // Plaintext bytes from the peer, in order, never empty.
  virtual void on_transport_data(std::span<const std::uint8_t> bytes) = 0;
  // The transport can take more bytes after write() returned false.
  virtual void on_transport_writable() = 0;
  // The user called request_tx / request_tx_len while this connection is up
  // (delivered from the loop, never inline from the user's call).
  virtual void on_tx_requested() = 0;
  // Credit the user added for the peer (manual tx credit); optional.
  virtual void on_peer_tx_credit(std::int32_t added) {}
  // The transport is gone (peer close, reset, local close). Last call.
  // `txn_ok` lets the engine know if the binding considered its last
  // transaction complete; return it from here.
  struct EndInfo {
    bool txn_ok = false;  // a transaction completed on this connection
    // The connection may carry another transaction (h1 keep-alive, the
    // response read to its end, nothing more received). Only asked when
    // the engine itself ends the connection (a stream destroyed from its
    // QOS_ACK_REMOTE callback): then the wire goes to the pool.
    bool reusable = false;
  };
  virtual EndInfo on_transport_end(EndReason reason) = 0;
};

// Makes the binding for one connection attempt.
using BindingFactory = std::function<std::unique_ptr<Binding>(BindingHost& host)>;

// Which side of a connection a binding speaks: the client side (the
// stream connected out) or the server side (a server stream accepted it).
// A protocol registers a factory per role it serves.
enum class Role { kClient, kServer };

}  // namespace ss::stream
