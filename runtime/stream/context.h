// Context: what a set of streams shares — the loop, the network, the TLS
// provider, the Rng, the policy, the protocol bindings and the hooks that
// report trace events and invariant violations.
//
// Ownership: the context owns its streams. Stream pointers stay valid until
// destroy() (or the context's destruction) and not after. A destroyed
// stream's memory is reclaimed from the loop a moment later, so destroying
// a stream from inside its own callback is safe.
//
// Thread safety: none. Everything runs on the loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/result.h"
#include "runtime/core/rng.h"
#include "runtime/core/tls.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/binding.h"
#include "runtime/stream/connection_pool.h"
#include "runtime/stream/shared_wires.h"
#include "runtime/stream/observer.h"
#include "runtime/stream/stream.h"
#include "runtime/stream/stream_list.h"
#include "runtime/stream/system_blobs.h"
#include "runtime/stream/target.h"

namespace ss::stream {

// Where the context reports what happened. All optional.
struct Hooks {
  // A broken invariant (illegal transition, leak). The simulator turns it
  // into a test failure; production should log it.
  std::function<void(std::string_view text)> violation;
  // Observable events (every state a user sees, connects, ...), for the
  // simulator's trace hash.
  std::function<void(std::string_view kind, std::string_view text)> trace;
  // Human-readable log lines (errors that are not violations).
  std::function<void(std::string_view text)> log;
  // Structured engine events for behaviour checkers (observer.h).
  std::function<void(const EngineEvent& event)> observe;
  // BUGGIFY (docs/determinism.md): true when the engine should take the
  // legal but unusual path at `site` this time (rx in two pieces, a small tx
  // buffer, no pooled connection). The simulator answers from its Buggify
  // object; production leaves it empty, which means never.
  std::function<bool(std::string_view site)> buggify;
};

// What the TLS hook is told about one connection: where it goes and what
// the streamtype asks of TLS (its trust store and client certificate, read
// from the policy and the system blobs by the hook).
struct TlsTarget {
  const Endpoint& to;
  const policy::Policy& policy;
  const policy::Streamtype& streamtype;
  const SystemBlobs& blobs;
  std::vector<std::string> alpn;  // the binding's, in order of preference
};

// The TLS hook: wraps a connection to `target.to` in TLS. runtime/bind/tls
// provides one (make_tls_transport); set it with Context::set_tls_transport.
// Without it, a streamtype with "tls": true fails to connect (UNREACHABLE,
// logged). An error's message is the whole reason the stream reports.
using TlsTransportFactory = std::function<Result<std::unique_ptr<Connection>>(
    Net& net, TlsProvider* provider, const TlsTarget& target, const ConnectOptions& options,
    ConnectionHandler* handler)>;

// The TLS hook for a TLS server streamtype ("server": true with "tls":
// true): wraps each accepted connection in a TLS server session with the
// streamtype's server_cert / server_key. runtime/bind/tls provides one
// (make_tls_accept); set it with Context::set_tls_accept. The wrapped
// connection says on_connected() once its handshake is done.
using TlsAcceptFactory = std::function<Result<std::unique_ptr<Connection>>(
    TlsProvider& provider, const policy::Policy& policy, const policy::Streamtype& streamtype,
    std::unique_ptr<Connection> accepted)>;

class Context {
 public:
  struct Config {
    Loop* loop = nullptr;  // required
    Net* net = nullptr;    // required
    TlsProvider* tls = nullptr;
    std::uint64_t seed = 0;  // seeds the context Rng (retry jitter, ws masks)
    std::shared_ptr<const policy::Policy> policy;  // required
    Hooks hooks{};
    // How long an attempt may take, so a peer that accepts and then says
    // nothing cannot hold a stream forever (lws: timeout_secs, default 20):
    //   transport: from the attempt's start until the transport is up (TCP
    //              connect, and the TLS handshake and verification);
    //   protocol:  from then until CONNECTED (h1 response head, ws upgrade).
    // Either expiring ends the attempt as timed out: UNREACHABLE and the
    // retry policy. 0 disables it.
    Micros transport_timeout = seconds(30);
    Micros protocol_timeout = seconds(20);
    // What server streams allow their clients (binding.h, docs/api.md "Serving").
    ServerLimits server_limits{};
  };

  explicit Context(Config config);
  ~Context();  // destroys every stream still alive (each sees DESTROYING)
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Creates a stream of `info.streamtype`. Raises CREATING (and connects at
  // once for nailed_up streamtypes). A `server: true` streamtype listens
  // first (server.h) and then raises CREATING; its clients become accepted
  // streams. Errors: unknown streamtype
  // (kNotFound, naming it), no binding for its protocol (kUnsupported),
  // a server that cannot listen (the Net's error, naming the address),
  // the user's CREATING callback answered DESTROY_ME (kState).
  Result<Stream*> create(StreamInfo info);

  // Same as stream->destroy().
  void destroy(Stream* stream);

  // Local sinks (docs/secure-streams.md §4.3, sink.cc): a streamtype with `local_sink: true`
  // is served in-process. register_sink() records who serves it (no stream
  // is made). Each later create() of that streamtype makes the source
  // stream and, if the sink's state callback accepts SINK_JOIN (ack = how
  // many sources it already has), an "accepted sink" stream from
  // `make_accepted` (or a copy of `info`); the two are linked: both go
  // CREATING, CONNECTING, CONNECTED at once, request_tx on one side hands
  // that side's tx() (1380-byte buffer) to the other side's rx() from the
  // loop, and destroying either destroys both. Unlike lws, SINK_JOIN comes
  // to the sink with the sink's own user object and SINK_PART (ack = the
  // sources left) comes when a source goes (docs/secure-streams.md §6 item 6).
  // Errors: the streamtype is unknown or not local_sink, or already has a
  // sink.
  Error register_sink(StreamInfo info, std::function<std::optional<StreamInfo>()> make_accepted = {});

  // Protocol bindings by policy protocol. The raw binding is registered by
  // register_raw_binding() (runtime/bind/raw); others by their helpers.
  // A protocol may register a server-side binding too (Role::kServer),
  // which accepted streams of a server streamtype use.
  void register_binding(policy::Protocol protocol, BindingFactory factory, Role role = Role::kClient);
  const BindingFactory* binding_for(policy::Protocol protocol, Role role = Role::kClient) const;
  void set_tls_transport(TlsTransportFactory factory) { tls_transport_ = std::move(factory); }
  const TlsTransportFactory& tls_transport() const { return tls_transport_; }
  void set_tls_accept(TlsAcceptFactory factory) { tls_accept_ = std::move(factory); }
  const TlsAcceptFactory& tls_accept() const { return tls_accept_; }

  // Raises EVENT_WAIT_CANCELLED on every stream (lws_cancel_service).
  void cancel_service();

  Loop& loop() { return *loop_; }
  Net& net() { return *net_; }
  TlsProvider* tls() { return tls_; }
  Rng& rng() { return rng_; }
  const policy::Policy& policy() const { return *policy_; }
  const std::shared_ptr<const policy::Policy>& policy_ptr() const { return policy_; }
  Micros transport_timeout() const { return transport_timeout_; }
  Micros protocol_timeout() const { return protocol_timeout_; }
  const ServerLimits& server_limits() const { return server_limits_; }

  // Idle keep-alive connections shared by the context's streams.
  ConnectionPool& pool() { return pool_; }
  // Connections several streams ride at once (MQTT to one broker).
  SharedWires& wires() { return wires_; }
  // Device facts and secrets policies refer to (auth header, client cert...).
  SystemBlobs& blobs() { return blobs_; }
  const SystemBlobs& blobs() const { return blobs_; }
  bool tearing_down() const { return tearing_down_; }

  // Live (not destroyed) streams, and streams awaiting reclamation.
  std::size_t stream_count() const { return streams_.size(); }
  std::size_t graveyard_count() const { return graveyard_.size(); }
  // Connection attempts (current and awaiting reclamation) of all streams.
  std::size_t attempt_count() const;

  // Reporting, used by streams.
  void violation(std::string_view text);
  void trace(std::string_view kind, std::string_view text);
  void log(std::string_view text);
  bool observing() const { return static_cast<bool>(hooks_.observe); }
  bool buggify(std::string_view site) const { return hooks_.buggify && hooks_.buggify(site); }
  void observe(const EngineEvent& event) {
    if (hooks_.observe) hooks_.observe(event);
  }

  // Internal: a stream hands itself over for reclamation after DESTROYING.
  void bury(Stream* stream);
  // True while any stream's engine code (and so possibly a user callback)
  // is on the stack: destroying the context now would pull the floor away.
  bool busy() const { return busy_ > 0; }
  void enter() { ++busy_; }
  void leave() { --busy_; }

 private:
  Loop* loop_;
  Net* net_;
  TlsProvider* tls_;
  Rng rng_;
  std::shared_ptr<const policy::Policy> policy_;
  Hooks hooks_;
  Micros transport_timeout_;
  Micros protocol_timeout_;
  TlsTransportFactory tls_transport_;
  TlsAcceptFactory tls_accept_;
  ServerLimits server_limits_;
  std::map<std::pair<policy::Protocol, Role>, BindingFactory> bindings_;
  std::uint64_t next_id_ = 1;
  // The live streams in id order (a stable order), linked through the
  // streams (stream_list.h).
  StreamList streams_;
  struct Sink {
    StreamInfo info;
    std::function<std::optional<StreamInfo>()> make_accepted;
    std::uint32_t sources = 0;
  };
  std::map<std::string, Sink> sinks_;  // by streamtype
  // The latest connection target of each streamtype, shared by the
  // attempts that go there (most streams of a streamtype go to the same
  // place): an attempt holds a pointer instead of its own 120-byte copy
  // (docs/benchmarks.md, "Heap per idle raw stream"). Looked up by key
  // only, never iterated.
  std::map<const policy::Streamtype*, std::shared_ptr<const Target>> targets_;
  std::shared_ptr<const Target> shared_target(const policy::Streamtype& st, const Target& t);
  friend class Stream;
  friend class Server;  // makes the accepted streams
  Result<Stream*> join_sink(const policy::Streamtype& st, StreamInfo info);
  Stream* make_stream(const policy::Streamtype& st, StreamInfo info);
  std::vector<std::unique_ptr<Stream>> graveyard_;
  bool reap_posted_ = false;
  int busy_ = 0;
  bool tearing_down_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  SystemBlobs blobs_;
  ConnectionPool pool_;  // after the streams' owners: closed after every stream
  SharedWires wires_;    // likewise (the streams leave their wires as they go)
};

}  // namespace ss::stream
