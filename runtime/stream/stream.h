// Stream: one Secure Stream — a long-lived handle that outlives connections.
//
// The engine raises states through ONE function (Stream::raise) which
// consults the transition table (state_table.h), records the state in the
// trace and calls the user's state callback. Return codes from every
// callback (rx, tx, state) are honoured the same way: DISCONNECT_ME closes
// the current connection (normal retry rules then apply), DESTROY_ME
// destroys the stream. Both take effect once the engine's call stack
// unwinds (never under the user's feet), so destroying a stream from inside
// its own callback is safe.
//
// Lifecycle summary (details in docs/states.md):
//   create -> CREATING [-> nailed_up: CONNECTING ...]
//   request_tx / client_connect when idle -> POLL (request_tx only) ->
//   CONNECTING -> CONNECTED | UNREACHABLE (+ backoff -> POLL -> CONNECTING
//   ... -> ALL_RETRIES_FAILED once the retry policy's conceal runs out)
//   CONNECTED -> DISCONNECTED (-> backoff/reconnect unless opportunistic)
//   destroy -> [DISCONNECTED if connected] -> DESTROYING
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/result.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/binding.h"
#include "runtime/stream/handlers.h"
#include "runtime/stream/metadata.h"
#include "runtime/stream/observer.h"
#include "runtime/stream/phases.h"
#include "runtime/stream/retry_engine.h"
#include "runtime/stream/sequencer.h"
#include "runtime/stream/shared_wires.h"
#include "runtime/stream/states.h"
#include "runtime/stream/target.h"

namespace ss::stream {

class Context;
class Attempt;
class Server;
class Stream;

struct StreamInfo {
  std::string streamtype;
  Callbacks callbacks;
  // Instead of `callbacks`: the stream calls these, and keeps them until it
  // is reclaimed (the C API's handle, which owns the user object).
  std::shared_ptr<Handlers> handlers;
  std::int32_t manual_initial_tx_credit = 0;  // > 0: rx is held beyond the credit
  std::uint8_t flags = 0;                     // InfoFlag bits (behaviour comes later)
  void* user = nullptr;                       // returned by user()
  // Called with the new stream before CREATING is raised (so wrappers can
  // publish the handle to callbacks that run during creation).
  std::function<void(Stream*)> on_bind;
  // Server streams: fills the StreamInfo of each accepted stream (its own
  // user object and callbacks; the C API allocates one per client);
  // false refuses the client. Empty: a copy of this info.
  std::function<bool(StreamInfo& accepted)> make_accepted;
};

class Stream {
 public:
  Stream(Context& ctx, std::uint64_t id, const policy::Streamtype& st, StreamInfo info);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // --- API (each returns the worst return code of the states it raised) --
  Ret request_tx();
  Ret request_tx_len(std::size_t len);
  Ret client_connect();
  void start_timeout(std::uint32_t ms);  // 0 = the streamtype's timeout_ms
  void cancel_timeout();
  Error set_metadata(std::string_view name, std::string_view value);
  Result<std::string_view> get_metadata(std::string_view name) const;
  void change_handlers(const Callbacks& partial);  // empty members: unchanged
  void add_peer_tx_credit(std::int32_t add);
  // Stops (true) or resumes (false) reading from the peer, for a consumer
  // that cannot take more rx now (the SS proxy when its client reads
  // slowly). The peer is then slowed by TCP; what was already read still
  // arrives. Holds across reconnects until released.
  void hold_rx(bool hold);
  std::int32_t get_est_peer_tx_credit() const { return est_credit_; }
  Sequencer& sequencer() { return sequencer_; }
  // The streamtype of the current chunk (lws_ss_rideshare): the part of the
  // transaction's rideshare chain that tx() is producing, which rx() also
  // sees (docs/api.md "Rideshare"). A tx EOM moves it to the next part of
  // the chain; the last part stays (the response's rx is named by it, as
  // with lws) until CONNECTING starts the next transaction at the stream's
  // own streamtype.
  const char* rideshare() const { return tx_part().name.c_str(); }
  const policy::Streamtype& tx_part() const {
    return extras_ && !extras_->parts.empty() ? *extras_->parts[extras_->part] : st_;
  }
  // An accepted stream's answer to the current request (0 = 200, else the
  // status); without one the response is a 404 (docs/api.md "Serving").
  void server_ack(int nack) { extras().server_ack = nack; }
  // Server streams: each live accepted stream once, in accept order; safe
  // when `fn` destroys streams (server.h). Nothing for other streams.
  void foreach_client(const std::function<void(Stream*)>& fn);
  // Destroys now, or after the current callback returns if called from one.
  void destroy();

  // --- getters ---------------------------------------------------------
  // Observer that expires (holds nullptr) once the stream is destroyed.
  std::weak_ptr<Stream*> weak() const { return token_; }
  std::uint64_t id() const { return id_; }
  const policy::Streamtype& streamtype() const { return st_; }
  Context& context() { return ctx_; }
  void* user() const { return user_; }
  // What the stream calls (the C API's handle, for C API streams).
  const std::shared_ptr<Handlers>& handlers() const { return handlers_; }
  State tracked_state() const { return tracked_; }
  bool destroyed() const { return phase_ == StreamPhase::kDestroyed; }
  bool has_connection() const { return attempt_ != nullptr; }
  bool is_server() const { return (flags_ & kInfoServer) != 0; }
  bool accepted() const { return (flags_ & kInfoAccepted) != 0; }
  // A server stream's listener (null for other streams).
  Server* server() const { return extras_ ? extras_->server.get() : nullptr; }
  bool protocol_connected() const;
  bool has_retry_timer() const { return static_cast<bool>(retry_timer_); }
  bool has_timeout_timer() const { return static_cast<bool>(timeout_timer_); }
  std::uint32_t retry_failures() const { return budget_.failures(); }
  std::uint32_t connect_attempts() const { return connect_attempts_; }
  std::size_t attempt_count() const { return (attempt_ ? 1 : 0) + dead_attempts_.size(); }
  // Why the stream's latest connection attempt failed before CONNECTED, in
  // words: the reason behind its latest UNREACHABLE (and so behind
  // ALL_RETRIES_FAILED), e.g. "certificate verify failed: certificate has
  // expired (cert 0, subject CN=api.example.com)" or "connection refused".
  // Set before UNREACHABLE is raised, so the state callback can read it;
  // "" before any failure and again once CONNECTED is raised. Not a state:
  // states and their numbers are lws's (docs/api.md, "Why a connect failed").
  const std::string& last_error() const;

  // --- internal (context and Attempt) ----------------------------------
  // Raises an out-of-band state (EVENT_WAIT_CANCELLED, a user state).
  Ret notify(State state, std::uint32_t ack = 0);
  Ret start();  // raises CREATING, connects if nailed_up
  // Server streams, before start(): listens (server.h); the error says why not.
  Error listen();
  // Server streams: the StreamInfo of a new accepted stream (make_accepted).
  std::optional<StreamInfo> accepted_info() const;
  // Accepted streams, instead of start(): CREATING, CONNECTING, then the
  // server-side binding runs on `conn` (CONNECTED when its protocol is up).
  // `tls`: conn is a TLS server wrapper that says on_connected() after its
  // handshake, which must come within the context's transport timeout.
  void adopt(std::unique_ptr<Connection> conn, bool tls = false);
  void reclaim_attempts();
  // Local sinks (sink.cc): `peer` is the other end; both become CONNECTED.
  void link_sink(Stream* peer, bool is_source);
  bool sink_linked() const { return sink_peer() != nullptr; }

 private:
  friend class Attempt;
  friend class Server;
  friend class StreamList;
  enum class Seq { kIdle, kConnecting, kConnected, kFailing, kRetryWait };

  class Guard {
   public:
    explicit Guard(Stream* s) : s_(s) {
      ++s_->depth_;
      s_->enter_context();
    }
    ~Guard() {
      Stream* s = s_;
      s->leave();          // may hand `s` to the graveyard, which keeps it
      s->leave_context();  // alive until a posted reap: still safe here
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    Stream* s_;
  };

  void enter_context();
  void leave_context();
  Ret raise(State state, std::uint32_t ack = 0);
  // Reports to the context's observer (observer.h), if it has one.
  void observe(EngineEvent e);
  void observe_answer(EngineEvent::Kind of, Ret r, int state = 0);
  void apply(Ret r);
  void leave();
  // DESTROYING under way or done (phases.h).
  bool destroy_started() const { return phase_ >= StreamPhase::kDestroying; }
  bool stopping() const { return pending_destroy_ || pending_disconnect_ || destroy_started(); }

  Ret connect_now(bool poll_first);
  void open_attempt(const Target& t, bool may_reuse);
  void ride_wire(Attempt* attempt, SharedWires::Wire* wire, const Target& t);
  void start_binding_soon(Attempt* attempt);
  void fail_before_connect(std::string_view why);
  // `why`: the failure in words when the caller knows it better than the
  // connection (a phase timeout); else the connection's end_detail().
  void attempt_ended(EndReason reason, bool locally, std::string_view why = {});
  void schedule_retry();
  void on_retry_timer();
  void on_timeout_timer();
  void retire_attempt();
  // The user-visible end of a connection that was CONNECTED: DISCONNECTED,
  // then the retry decision (`reconnect`).
  void report_connected_end(bool reconnect);
  void post_tx_kick();
  void flush_held_rx();
  // Queues a transaction result or user state behind held rx (true), so
  // the user hears it after the bytes that came before it.
  bool hold_state(State state);
  // Forgets held rx and what waits behind it (the user disconnected or
  // destroyed the stream, or the peer overran its credit: logged).
  void drop_held();
  void sink_tx();     // one tx() of this side, handed to the peer's rx()
  void unlink_sink();
  HostVerdict deliver_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags);
  void do_disconnect();
  void do_destroy();
  std::function<void()> guarded(void (Stream::*fn)());

  Context& ctx_;
  std::uint64_t id_;
  const policy::Streamtype& st_;
  // What the stream keeps of its StreamInfo. The rest is not kept per
  // stream: the streamtype name is st_.name, on_bind runs once in
  // Context::make_stream, make_accepted lives in extras_ (server streams
  // only) and the manual credit went into est_credit_. The callbacks are
  // behind one pointer (handlers.h).
  std::shared_ptr<Handlers> handlers_;
  void* user_ = nullptr;
  std::uint8_t flags_ = 0;  // InfoFlag bits
  Metadata md_;
  RetryBudget budget_;
  Sequencer sequencer_;

  State tracked_ = State::kNone;
  StreamPhase phase_ = StreamPhase::kNew;  // phases.h
  Seq seq_ = Seq::kIdle;
  std::uint32_t connect_attempts_ = 0;
  std::unique_ptr<Attempt> attempt_;
  std::vector<std::unique_ptr<Attempt>> dead_attempts_;
  TimerId retry_timer_;
  TimerId timeout_timer_;
  std::uint32_t retry_after_floor_ms_ = 0;
  int redirect_hops_ = 0;  // redirects followed since the last connect_now
  // The policy's target of the current connect_now, kept from its first
  // redirect on (same_origin); null until then, so that streams that are
  // never redirected do not carry a copy (docs/benchmarks.md).
  std::unique_ptr<Target> redirect_origin_;
  // last_error(); made on a failure only, so that a stream that never
  // failed carries a pointer, not an empty string's 32 bytes
  // (docs/benchmarks.md, "Heap per idle raw stream").
  std::unique_ptr<std::string> last_error_;
  void set_last_error(std::string why) { last_error_ = std::make_unique<std::string>(std::move(why)); }
  bool downgrade_logged_ = false;  // the endpoint's scheme turned "tls" off: said once

  // A tx EOM: on to the next part; true when the transaction goes on.
  bool end_tx_part();

  bool tx_wanted_ = false;
  bool tx_kick_posted_ = false;
  std::optional<std::size_t> tx_len_;
  std::uint32_t tx_ordinal_ = 0;

  // Manual rx credit and held rx; their functions are in rx_credit.cc.
  bool manual_credit_ = false;
  std::int32_t est_credit_ = 0;
  bool drop_held_ = false;  // the pending disconnect drops held rx (DISCONNECT_ME, overrun)
  bool rx_paused_ = false;  // the connection's reading is paused (held rx)
  bool hold_rx_ = false;    // the consumer asked to stop reading (hold_rx)
  void update_rx_pause();
  bool flush_posted_ = false;
  // An accepted stream's end: it never reconnects; DISCONNECTED (if it was
  // CONNECTED), then it is destroyed.
  void end_accepted(bool was_connected);

  // What the user has not heard yet, in arrival order (docs/api.md
  // "Sending and receiving"): rx held for lack of credit, and the states
  // that came after it (the transaction's QOS_ACK/NACK_REMOTE).
  struct Held {
    std::vector<std::uint8_t> data;
    std::uint32_t flags = 0;
    State state = State::kNone;  // not kNone: raise this state instead of rx
  };
  // The connection ended while rx was held: the user hears DISCONNECTED
  // (and the retry decision is taken) once the held rx drains.
  struct EndLater {
    bool reconnect = false;
  };
  // The members of features most streams never use (held rx, serving,
  // local sinks, rideshare), in one block made on first use (extras()): an
  // idle client stream carries one null pointer instead of ~190 bytes of
  // them (docs/benchmarks.md, "Heap per idle raw stream").
  struct Extras {
    // Held rx (manual credit; rx_credit.cc). A list, not a deque:
    // libstdc++'s deque allocates 576 bytes when it is made.
    std::list<Held> held;
    std::size_t held_bytes = 0;
    std::optional<EndLater> end_later;
    // Serving (server.h): a server stream's listener and its make_accepted;
    // an accepted stream's answer and response metadata.
    std::unique_ptr<Server> server;
    std::function<bool(StreamInfo& accepted)> make_accepted;
    std::optional<int> server_ack;  // this transaction's lws_ss_server_ack
    // Names the user set since the request's SERVER_TXN: only these become
    // response headers (the request's own mapped headers are not echoed).
    std::vector<std::string> response_md;
    // Local sinks (sink.cc), either side of the link.
    Stream* sink_peer = nullptr;
    bool sink_source = false;     // this side is the source (not the accepted sink)
    bool sink_connected = false;  // CONNECTED by a sink link (DISCONNECTED due at destroy)
    bool sink_tx_posted = false;
    // Rideshare: this streamtype and its chain (Policy::rideshare_chain);
    // `part` indexes the one tx() is producing. Without rideshare the
    // chain is st_ alone and nothing is kept.
    std::vector<const policy::Streamtype*> parts;
    std::size_t part = 0;
  };
  std::unique_ptr<Extras> extras_;
  Extras& extras();  // made on first use
  bool holding_rx() const { return extras_ && !extras_->held.empty(); }
  std::size_t held_bytes() const { return extras_ ? extras_->held_bytes : 0; }
  bool end_later() const { return extras_ && extras_->end_later; }
  Stream* sink_peer() const { return extras_ ? extras_->sink_peer : nullptr; }

  int depth_ = 0;
  Ret call_ret_ = Ret::kOk;  // worst return seen during the current API call
  // What an answer (DISCONNECT_ME, DESTROY_ME) or the engine asked of the
  // outermost engine frame, acted on in leave(). Requests, not phases: both
  // may be pending at once (a disconnect asked before a destroy keeps the
  // wire out of the pool), and leave() clears them as it acts.
  bool pending_disconnect_ = false;
  bool pending_destroy_ = false;
  // The context's list of live streams (stream_list.h).
  bool listed_ = false;
  Stream* prev_ = nullptr;
  Stream* next_ = nullptr;
  // Null once destroyed; posted work checks it before touching the stream.
  std::shared_ptr<Stream*> token_;
};

// Rx held back for lack of peer tx credit: above kHeldRxPauseAt the
// connection stops reading (TCP then holds the peer back), below
// kHeldRxResumeBelow it reads again. kMaxHeldRx is the safety net for what
// was already decoded when the pause came; beyond it the connection is
// closed with a logged reason.
inline constexpr std::size_t kHeldRxPauseAt = 64 * 1024;
inline constexpr std::size_t kHeldRxResumeBelow = 16 * 1024;
inline constexpr std::size_t kMaxHeldRx = 1024 * 1024;

}  // namespace ss::stream
