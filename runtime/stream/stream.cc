#include "runtime/stream/stream.h"

#include <algorithm>
#include <string>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"
#include "runtime/stream/attempt.h"
#include "runtime/stream/context.h"
#include "runtime/stream/server.h"
#include "runtime/stream/state_table.h"
#include "runtime/stream/target.h"

namespace ss::stream {

Stream::Stream(Context& ctx, std::uint64_t id, const policy::Streamtype& st, StreamInfo info)
    : ctx_(ctx),
      id_(id),
      st_(st),
      handlers_(info.handlers ? std::move(info.handlers)
                              : std::make_shared<FunctionHandlers>(std::move(info.callbacks))),
      user_(info.user),
      flags_(info.flags),
      md_(st),
      budget_(ctx.policy().retry_of(st)),
      token_(std::make_shared<Stream*>(this)) {
  manual_credit_ = info.manual_initial_tx_credit > 0;
  est_credit_ = info.manual_initial_tx_credit;
  if (info.make_accepted) extras().make_accepted = std::move(info.make_accepted);
  if (st.rideshare) extras().parts = ctx.policy().rideshare_chain(st);
}

Stream::Extras& Stream::extras() {
  if (!extras_) extras_ = std::make_unique<Extras>();
  return *extras_;
}

Stream::~Stream() { *token_ = nullptr; }

void Stream::reclaim_attempts() { dead_attempts_.clear(); }

void Stream::enter_context() { ctx_.enter(); }
void Stream::leave_context() { ctx_.leave(); }

bool Stream::protocol_connected() const { return attempt_ && attempt_->protocol_up(); }

std::function<void()> Stream::guarded(void (Stream::*fn)()) {
  std::weak_ptr<Stream*> weak = token_;
  return [weak, fn] {
    auto tok = weak.lock();
    if (!tok || !*tok) return;
    Stream* s = *tok;
    Guard g(s);
    (s->*fn)();
  };
}

// ---------------------------------------------------------------------------
// The one place states are raised.

bool Stream::end_tx_part() {
  // The last part stays until the next CONNECTING.
  if (!extras_ || extras_->part + 1 >= extras_->parts.size()) return false;
  if (SS_PLANTED("rideshare-skip") && extras_->part + 2 < extras_->parts.size()) ++extras_->part;  // planted: a middle part skipped
  ++extras_->part;
  return true;
}

Ret Stream::raise(State state, std::uint32_t ack) {
  if (destroyed()) return Ret::kOk;
  if (!transition_legal(tracked_, state)) {
    ctx_.violation("stream " + std::to_string(id_) + " (" + st_.name + "): illegal transition " +
                   state_name(tracked_) + " -> " + state_name(state) + " (" +
                   std::to_string(to_int(state)) + ")");
  }
  tracked_ = next_tracked(tracked_, state);
  // A new transaction starts with the first part.
  if (state == State::kConnecting && extras_) extras_->part = 0;
  ctx_.trace("ss.state", "ss" + std::to_string(id_) + " " + st_.name + " " + state_name(state) +
                             (is_user_state(state) ? "(" + std::to_string(to_int(state)) + ")" : "") +
                             " ack=" + std::to_string(ack));
  if (state != State::kDestroying) sequencer_.deliver(state);
  if (ctx_.observing()) {
    EngineEvent e;
    e.state = to_int(state);
    e.ack = ack;
    observe(e);
  }
  Ret r = Ret::kOk;
  if (handlers_->has_state()) r = handlers_->state(state, ack);
  observe_answer(EngineEvent::Kind::kState, r, to_int(state));
  if (state != State::kDestroying) apply(r);
  return r;
}

void Stream::observe(EngineEvent e) {
  if (!ctx_.observing()) return;
  e.stream = id_;
  e.streamtype = &st_;
  ctx_.observe(e);
}

void Stream::observe_answer(EngineEvent::Kind of, Ret r, int state) {
  if (!ctx_.observing()) return;
  EngineEvent e;
  e.kind = EngineEvent::Kind::kAnswer;
  e.of = of;
  e.answered_state = state;
  e.ret = r;
  observe(e);
}

void Stream::apply(Ret r) {
  call_ret_ = worse(call_ret_, r);
  if (destroy_started()) return;
  if (r == Ret::kDestroyMe) pending_destroy_ = true;
  if (r == Ret::kDisconnectMe && !SS_PLANTED("disconnect-me-ignored")) {
    pending_disconnect_ = true;
    drop_held_ = !SS_PLANTED("disconnect-held-kept");  // the user's choice: what is held goes with the connection
  }
}

void Stream::leave() {
  if (--depth_ > 0) return;
  // Outermost engine frame: act on what callbacks asked for.
  while (!destroyed()) {
    if (pending_destroy_) {
      pending_destroy_ = false;
      do_destroy();
      return;  // `this` now lives in the context's graveyard until the reap
    }
    if (pending_disconnect_) {
      pending_disconnect_ = false;
      ++depth_;
      do_disconnect();
      --depth_;
      continue;
    }
    break;
  }
}

Ret Stream::notify(State state, std::uint32_t ack) {
  if (phase_ != StreamPhase::kLive) return Ret::kOk;
  Guard g(this);
  return raise(state, ack);
}

Ret Stream::start() {
  Guard g(this);
  if (phase_ == StreamPhase::kNew) move_to(phase_, StreamPhase::kLive);
  call_ret_ = Ret::kOk;
  raise(State::kCreating);
  // An SS proxy's onward stream (kInfoProxied) is connected by the proxy
  // once its client's metadata is in (docs/proxy.md "What happens on a link").
  if (!pending_destroy_ && st_.nailed_up && !SS_PLANTED("nailed-up-ignored") && !is_server() && !accepted() && !st_.local_sink && !(flags_ & kInfoProxied)) {
    pending_disconnect_ = false;
    drop_held_ = false;
    connect_now(false);
  }
  return call_ret_;
}

// ---------------------------------------------------------------------------
// API

Ret Stream::request_tx() {
  // The listening stream has no connection of its own (lws #2045 crashed here).
  if (destroy_started() || is_server()) return Ret::kOk;
  Guard g(this);
  if (depth_ == 1) call_ret_ = Ret::kOk;
  Ret before = call_ret_;
  tx_wanted_ = true;
  if (sink_peer()) {  // local sink: this side's tx() goes to the peer, from the loop
    if (!extras_->sink_tx_posted) {
      extras_->sink_tx_posted = true;
      ctx_.loop().post(guarded(&Stream::sink_tx));
    }
    return Ret::kOk;
  }
  if (st_.local_sink) return Ret::kOk;  // an unlinked sink end has nowhere to send
  if (attempt_ && attempt_->protocol_up()) {
    post_tx_kick();
  } else if (!attempt_ && seq_ == Seq::kIdle) {
    // A fresh start from idle gets a fresh retry budget (lws does not reset
    // here; docs/secure-streams.md §6 item 12). During failure handling / backoff the pending
    // retry goes ahead and the budget is left alone, so ALL_RETRIES_FAILED
    // still comes.
    budget_.reset();
    call_ret_ = Ret::kOk;
    connect_now(true);
    Ret r = call_ret_;
    call_ret_ = worse(before, r);
    return r;
  }
  return Ret::kOk;
}

Ret Stream::request_tx_len(std::size_t len) {
  tx_len_ = len;
  return request_tx();
}

Ret Stream::client_connect() {
  // A server stream listens, an accepted one is connected already.
  if (destroy_started() || is_server() || accepted()) return Ret::kOk;
  Guard g(this);
  if (st_.local_sink) return Ret::kOk;  // sinks are connected by linking
  // Connected, connecting or a retry pending: the budget of that sequence
  // goes on (a proxy client repeating ONWARD_CONNECT must not reset it,
  // or ALL_RETRIES_FAILED never comes).
  if (attempt_ || seq_ != Seq::kIdle) return Ret::kOk;
  budget_.reset();
  Ret before = call_ret_;
  call_ret_ = Ret::kOk;
  connect_now(false);
  Ret r = call_ret_;
  call_ret_ = worse(before, r);
  return r;
}

void Stream::start_timeout(std::uint32_t ms) {
  if (destroy_started()) return;
  if (ctx_.observing()) {
    EngineEvent e(EngineEvent::Kind::kTimeoutArm);
    e.asked_ms = ms;
    observe(e);
  }
  if (ms == 0) ms = st_.timeout_ms * (SS_PLANTED("timeout-ms-as-s") ? 1000 : 1);  // planted: read as seconds
  if (ms == 0) return;
  if (SS_PLANTED("timeout-late")) ms += ms / 2;  // planted: TIMEOUT half as late again
  if (SS_PLANTED("timeout-rearm-kept") && timeout_timer_) return;  // planted: arming again keeps the first deadline
  if (timeout_timer_) ctx_.loop().cancel(timeout_timer_);
  timeout_timer_ = ctx_.loop().after(millis(ms), guarded(&Stream::on_timeout_timer), {"ss", id_, "timeout"});
}

void Stream::cancel_timeout() {
  if (!timeout_timer_) return;
  if (ctx_.observing()) observe(EngineEvent(EngineEvent::Kind::kTimeoutCancel));
  ctx_.loop().cancel(timeout_timer_);
  timeout_timer_ = {};
}

Error Stream::set_metadata(std::string_view name, std::string_view value) {
  Error e = md_.set(name, value);
  if (!e && accepted()) {
    std::vector<std::string>& names = extras().response_md;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  }
  return e;
}

const std::string& Stream::last_error() const {
  static const std::string kNone;
  return last_error_ ? *last_error_ : kNone;
}

Result<std::string_view> Stream::get_metadata(std::string_view name) const {
  return md_.get(name);
}

void Stream::change_handlers(const Callbacks& partial) {
  ss::stream::change_handlers(handlers_, partial);
}

void Stream::destroy() {
  if (destroy_started()) return;
  if (depth_ > 0) {
    pending_destroy_ = true;  // inside a callback: after it returns
    return;
  }
  do_destroy();
}

// ---------------------------------------------------------------------------
// Connecting and failing

Ret Stream::connect_now(bool poll_first) {
  if (attempt_ || destroy_started()) return Ret::kOk;
  if (retry_timer_) ctx_.loop().cancel(retry_timer_);
  retry_timer_ = {};
  seq_ = Seq::kConnecting;
  if (poll_first && tracked_ != State::kPoll) raise(State::kPoll);
  if (pending_destroy_) return call_ret_;
  if (pending_disconnect_) {  // "disconnect" before a connection exists: stay idle
    pending_disconnect_ = false;
    drop_held_ = false;
    seq_ = Seq::kIdle;
    return call_ret_;
  }
  raise(State::kConnecting);
  if (pending_destroy_) return call_ret_;
  if (pending_disconnect_) {
    pending_disconnect_ = false;
    drop_held_ = false;
    fail_before_connect("the CONNECTING callback asked to disconnect");
    return call_ret_;
  }
  ++connect_attempts_;
  redirect_hops_ = 0;
  auto target = policy_target(st_, md_);
  if (!target) {
    fail_before_connect(target.error().message());
    return call_ret_;
  }
  if (st_.tls && !target->tls && !downgrade_logged_) {
    // The scheme wins, as in libwebsockets; ss-policy lint warns about a
    // literal one (docs/tls.md, "No silent downgrade").
    downgrade_logged_ = true;
    ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): the endpoint's URL scheme turns TLS off "
             "although the streamtype has \"tls\": true; connecting to " + escape_text(to_string(target->ep)) +
             " without TLS");
  }
  open_attempt(*target, true);
  return call_ret_;
}

// Starts one connection attempt to `t`: an idle pooled connection when one
// matches (and `may_reuse`), else a new one.
void Stream::open_attempt(const Target& t, bool may_reuse) {
  const BindingFactory* factory = ctx_.binding_for(st_.protocol);
  if (!factory || !*factory) {
    fail_before_connect("no binding registered for protocol number " +
                        std::to_string(static_cast<int>(st_.protocol)));
    return;
  }
  auto a = std::make_unique<Attempt>(*this, ctx_.shared_target(st_, t));
  Attempt* raw = a.get();
  attempt_ = std::move(a);
  raw->tls_ = t.tls;
  raw->binding_ = (*factory)(*raw);
  if (!raw->binding_) {
    attempt_.reset();
    fail_before_connect("the protocol binding refused to start");
    return;
  }
  if (raw->binding_->shares_connection()) {
    // Another attempt's binding holds the wire (h2): no transport here; the
    // binding starts from the loop, as after a fresh connect.
    ctx_.trace("ss.connect", "ss" + std::to_string(id_) + " " + st_.name + " -> " + to_string(t.ep) +
                                 (t.tls ? " tls" : "") + " shared");
    start_binding_soon(raw);
    return;
  }
  const bool shares = raw->binding_->shares_wire();
  if (shares) {
    SharedWires::Wire* w = ctx_.wires().find(raw->pool_key());
    if (SS_PLANTED("mqtt-own-connection")) w = nullptr;  // a wire of its own each time
    if (w) {
      ride_wire(raw, w, t);
      return;
    }
  } else if (may_reuse) {
    std::optional<Link> link;
    // BUGGIFY: a new connection although an idle one could be reused.
    if (!ctx_.buggify("pool.skip_reuse")) link = ctx_.pool().take(raw->pool_key());
    if (link) {
      raw->relay_ = std::move(link->relay);
      raw->conn_ = std::move(link->conn);
      raw->relay_->set_target(raw);
      raw->reused_ = true;
      ctx_.trace("ss.connect", "ss" + std::to_string(id_) + " " + st_.name + " -> " +
                                   to_string(t.ep) + (t.tls ? " tls" : "") + " reuse#" +
                                   std::to_string(raw->conn_->id()));
      // The wire is already up; the binding starts from the loop, as it
      // would after a fresh connect.
      start_binding_soon(raw);
      return;
    }
  }
  raw->relay_ = std::make_unique<Relay>();
  raw->relay_->set_target(raw);
  raw->arm_phase_timer(ctx_.transport_timeout(), "the transport (connect and TLS handshake)", "transport deadline");
  ConnectOptions opts;
  // attr_priority and the ToS hints (docs/secure-streams.md §1.4), as lws applies them.
  if (st_.attr_priority > 0) opts.socket_priority = st_.attr_priority;
  int tos = 0;
  if (st_.attr_low_latency) tos |= 0x10;       // IPTOS_LOWDELAY
  if (st_.attr_high_throughput) tos |= 0x08;   // IPTOS_THROUGHPUT
  if (st_.attr_high_reliability) tos |= 0x04;  // IPTOS_RELIABILITY
  if (st_.attr_low_cost) tos |= 0x02;          // IPTOS_MINCOST
  if (tos) opts.ip_tos = tos;
  ctx_.trace("ss.connect", "ss" + std::to_string(id_) + " " + st_.name + " -> " +
                               to_string(t.ep) + (t.tls ? " tls" : ""));
  if (t.tls) {
    // TLS hook (runtime/proto/tls): wraps the connection.
    if (!ctx_.tls_transport()) {
      attempt_.reset();
      fail_before_connect("streamtype wants TLS but the context has no TLS transport");
      return;
    }
    const TlsTarget target{t.ep, ctx_.policy(), st_, ctx_.blobs(), raw->binding_->alpn()};
    auto conn = ctx_.tls_transport()(ctx_.net(), ctx_.tls(), target, opts, raw->relay_.get());
    if (!conn) {
      attempt_.reset();
      fail_before_connect(conn.error().message());
      return;
    }
    raw->conn_ = std::move(*conn);
  } else {
    raw->conn_ = ctx_.net().connect(t.ep, opts, raw->relay_.get());
  }
  // The first stream to this place opens the wire the next ones ride.
  if (shares) raw->wire_ = ctx_.wires().open(raw->pool_key(), Link{std::move(raw->relay_), std::move(raw->conn_)}, raw);
}

// An attempt on a wire other streams already use (SharedWires): no
// connection of its own; the binding starts when the wire is up.
void Stream::ride_wire(Attempt* raw, SharedWires::Wire* w, const Target& t) {
  raw->wire_ = w;
  ctx_.trace("ss.connect", "ss" + std::to_string(id_) + " " + st_.name + " -> " + to_string(t.ep) +
                               (t.tls ? " tls" : "") + " shared#" + std::to_string(w->id()));
  if (!ctx_.wires().ride(w, raw)) {
    raw->arm_phase_timer(ctx_.transport_timeout(), "the transport (connect and TLS handshake)", "transport deadline");
    return;
  }
  start_binding_soon(raw);
}

// The binding starts from the loop, as after a fresh connect, unless the
// stream has moved on from `raw` by then.
void Stream::start_binding_soon(Attempt* raw) {
  std::weak_ptr<Stream*> weak = token_;
  ctx_.loop().post([weak, raw] {
    auto tok = weak.lock();
    if (!tok || !*tok || (*tok)->attempt_.get() != raw) return;
    raw->on_connected();
  });
}

void Stream::fail_before_connect(std::string_view why) {
  set_last_error(std::string(why));
  ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): connect failed: " +
           std::string(why));
  seq_ = Seq::kFailing;
  raise(State::kUnreachable, 0);
  if (!pending_destroy_ && !destroy_started()) schedule_retry();
  if (seq_ == Seq::kFailing) seq_ = Seq::kIdle;
}

void Stream::retire_attempt() {
  if (!attempt_) return;
  Attempt* a = attempt_.get();
  a->cancel_phase_timer();
  if (a->wire_) ctx_.wires().leave(std::exchange(a->wire_, nullptr), a);
  if (rx_paused_ && a->conn_) a->conn_->pause_reading(false);  // a parked wire must hear its peer
  rx_paused_ = false;
  if (a->keep_conn_ && a->conn_ && a->relay_ && !ctx_.tearing_down()) {
    ctx_.pool().park(a->pool_key(), Link{std::move(a->relay_), std::move(a->conn_)});
  } else if (a->conn_) {
    a->conn_->close();
  }
  dead_attempts_.push_back(std::move(attempt_));
  // Reclaimed from the loop: we may be inside one of its callbacks now.
  ctx_.loop().post(guarded(&Stream::reclaim_attempts));
}

void Stream::attempt_ended(EndReason reason, bool locally, std::string_view why) {
  if (!attempt_) return;
  Attempt* a = attempt_.get();
  const bool was_connected = a->protocol_up();
  // What the transport knows beyond `reason` (a TLS verification failure:
  // which check, which certificate). Logged here: nothing else says it.
  std::string failure(why);
  if (failure.empty() && a->conn_ && !locally) {
    failure = a->conn_->end_detail();
    if (!failure.empty()) {
      ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): " +
               (was_connected ? "connection failed: " : "connect failed: ") + failure);
    }
  }
  Binding::EndInfo info;
  a->ending_ = true;  // the binding's last words may not close anything else
  if (a->binding_) info = a->binding_->on_transport_end(reason);
  const bool retry_asked = a->retry_asked_;
  const bool txn_ok = (info.txn_ok || a->txn_ok_) && !retry_asked;
  if (ctx_.observing()) {
    EngineEvent e;
    e.kind = EngineEvent::Kind::kEnd;
    e.was_connected = was_connected;
    e.txn_ok = info.txn_ok || a->txn_ok_;
    e.retry_asked = retry_asked;
    e.locally = locally;
    e.reason = reason;
    observe(e);
  }
  // "Come back later" was not a success: the budget goes on from where it was.
  if (retry_asked) budget_.restore(a->failures_before_connect_);
  ctx_.trace("ss.end", "ss" + std::to_string(id_) + " " + end_reason_name(reason) +
                           (locally ? " (local)" : ""));
  // Only a connection we let go of ourselves, healthy, goes back to the pool.
  a->keep_conn_ = a->keep_conn_ && locally;
  const Target was{a->target_->ep, a->tls_, a->target_->url_path};
  // A pooled connection the server had already given up on: it ended
  // before a byte came back and before any user payload went out. Nothing
  // happened as far as the stream is concerned; try again on a new one.
  const bool stale_reuse = a->reused_ && !was_connected && !a->got_data_ && !a->pulled_tx_ && !locally &&
                           idempotent_method(st_.http_method);
  // A followed redirect: after our close, or after the peer's close that
  // ended a read-until-close 3xx body.
  std::optional<std::string> redirect;
  if (!was_connected && a->redirect_to_) redirect = *a->redirect_to_;
  retire_attempt();
  if (!pending_destroy_ && !destroy_started()) {
    if (redirect) {
      auto next = redirect_target(was, *redirect, redirect_hops_);
      if (next) {
        // The first redirect since connect_now leaves the attempt that
        // connect_now opened (or its stale-reuse retry): `was` is the origin.
        if (redirect_hops_ == 0) redirect_origin_ = std::make_unique<Target>(was);
        ++redirect_hops_;
        ctx_.trace("ss.redirect", "ss" + std::to_string(id_) + " -> " + *redirect);
        open_attempt(*next, true);
        if (attempt_) {
          attempt_->cross_origin_ = !same_origin(*next, *redirect_origin_);
        }
        return;
      }
      ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): " + next.error().message());
      failure = next.error().message();
    } else if (stale_reuse) {
      ctx_.trace("ss.stale", "ss" + std::to_string(id_) + " pooled connection was closed; new one");
      const bool cross = a->cross_origin_;
      open_attempt(was, false);
      if (attempt_) attempt_->cross_origin_ = cross;
      return;
    }
  }
  if (accepted()) {
    // Never retried: the client went away. Rx still held is dropped with it.
    if (!was_connected) {
      set_last_error(failure.empty() ? end_reason_text(reason) : std::move(failure));
      ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): accepted connection ended before CONNECTED: " +
               last_error());
    }
    end_accepted(was_connected);
    return;
  }
  if (was_connected) {
    // 503/429 ("come back later") backs off and retries even when
    // opportunistic, as libwebsockets does.
    const bool reconnect = retry_asked || (!st_.opportunistic && !txn_ok);
    if (holding_rx() && !pending_destroy_ && !destroy_started()) {
      // Rx held for lack of credit (and the transaction's result behind
      // it) still belongs to this connection: the user hears all of it,
      // then DISCONNECTED (docs/api.md "Sending and receiving"). The wire
      // itself is already closed or parked; no new attempt starts before
      // DISCONNECTED (seq_ stays kConnected).
      extras_->end_later = EndLater{reconnect};
      ctx_.trace("ss.end", "ss" + std::to_string(id_) + " DISCONNECTED waits for " +
                               std::to_string(extras_->held_bytes) + " held rx bytes");
      if (!flush_posted_) {
        flush_posted_ = true;
        ctx_.loop().post(guarded(&Stream::flush_held_rx));
      }
      return;
    }
    report_connected_end(reconnect);
    return;
  }
  seq_ = Seq::kFailing;
  set_last_error(failure.empty() ? end_reason_text(reason) : std::move(failure));
  // planted: a DNS failure not flagged in UNREACHABLE's ack
  raise(State::kUnreachable, reason == EndReason::kDnsFailure && !SS_PLANTED("dns-ack-lost") ? 1u : 0u);
  if (!pending_destroy_ && !destroy_started()) schedule_retry();
  if (seq_ == Seq::kFailing) seq_ = Seq::kIdle;
}

void Stream::end_accepted(bool was_connected) {
  drop_held();
  cancel_timeout();
  seq_ = Seq::kIdle;
  if (was_connected) raise(State::kDisconnected);
  pending_destroy_ = true;  // acted on when the engine frame unwinds (leave)
}

void Stream::report_connected_end(bool reconnect) {
  // The protocol was up: the user hears DISCONNECTED first, always.
  cancel_timeout();
  // While a reconnect is coming, request_tx from the callback only marks
  // that the user wants to send (no immediate connect: no storms).
  seq_ = reconnect ? Seq::kFailing : Seq::kIdle;
  raise(State::kDisconnected);
  if (reconnect && !pending_destroy_ && !destroy_started()) schedule_retry();
  if (seq_ == Seq::kFailing) seq_ = Seq::kIdle;
}

void Stream::schedule_retry() {
  if (retry_timer_ || attempt_) return;
  const std::uint16_t rand16 = ctx_.rng().next_u16();
  const std::uint32_t floor_ms = retry_after_floor_ms_;
  auto d = budget_.on_failure(rand16, floor_ms);
  retry_after_floor_ms_ = 0;
  if (ctx_.observing()) {
    EngineEvent e;
    e.kind = EngineEvent::Kind::kBackoff;
    e.rand16 = rand16;
    e.floor_ms = floor_ms;
    e.delay_ms = d.delay_ms;
    e.give_up = d.give_up;
    e.already_gave_up = d.already_gave_up;
    observe(e);
  }
  if (d.already_gave_up) {
    seq_ = Seq::kIdle;
    return;
  }
  if (d.give_up) {
    seq_ = Seq::kIdle;
    raise(State::kAllRetriesFailed);
    return;
  }
  seq_ = Seq::kRetryWait;
  ctx_.trace("ss.backoff", "ss" + std::to_string(id_) + " " + std::to_string(d.delay_ms) + "ms");
  retry_timer_ = ctx_.loop().after(millis(d.delay_ms), guarded(&Stream::on_retry_timer), {"ss", id_, "retry"});
}

void Stream::on_retry_timer() {
  retry_timer_ = {};
  if (seq_ != Seq::kRetryWait || attempt_) return;
  seq_ = Seq::kIdle;
  call_ret_ = Ret::kOk;
  connect_now(true);
}

void Stream::on_timeout_timer() {
  timeout_timer_ = {};
  call_ret_ = Ret::kOk;
  raise(State::kTimeout);
}

void Stream::do_disconnect() {
  const bool drop = drop_held_;
  drop_held_ = false;
  if (drop) drop_held();
  if (attempt_) {
    attempt_ended(EndReason::kClosedLocally, true);
  } else if (end_later() && !holding_rx()) {
    // The connection had ended with rx held; the user disconnected before
    // hearing all of it.
    const EndLater e = *extras_->end_later;
    extras_->end_later.reset();
    report_connected_end(e.reconnect);
  }
}

void Stream::do_destroy() {
  const bool created = phase_ == StreamPhase::kLive;
  move_to(phase_, StreamPhase::kDestroying);
  if (ctx_.observing()) observe(EngineEvent(EngineEvent::Kind::kDestroy));
  ++depth_;
  if (retry_timer_) ctx_.loop().cancel(retry_timer_);
  retry_timer_ = {};
  cancel_timeout();
  const bool was_connected =
      (attempt_ && attempt_->protocol_up()) || (extras_ && (extras_->sink_connected || extras_->end_later));
  if (extras_) {
    extras_->sink_connected = false;
    extras_->end_later.reset();
  }
  if (attempt_ && attempt_->binding_) {
    attempt_->ending_ = true;  // as in attempt_ended: last words only
    const auto info = attempt_->binding_->on_transport_end(EndReason::kClosedLocally);
    // The classic pattern (a stream per request, destroyed from its
    // QOS_ACK_REMOTE callback): a finished keep-alive wire still goes to
    // the pool, as it would have had the stream lived on (docs/api.md).
    if (info.reusable && attempt_->txn_ok_ && !pending_disconnect_) attempt_->keep_conn_ = true;
  }
  retire_attempt();
  if (server()) server()->close();  // stops listening; the accepted streams go too
  Stream* linked = sink_peer();
  unlink_sink();
  if (created) {
    if (was_connected) raise(State::kDisconnected);
    raise(State::kDestroying);
  }
  --depth_;
  if (linked && !SS_PLANTED("sink-pair-kept")) linked->destroy();  // the two ends of a sink go together
  move_to(phase_, StreamPhase::kDestroyed);
  *token_ = nullptr;
  drop_held();
  ctx_.bury(this);
}

// ---------------------------------------------------------------------------
// Serving (server.h): the listening stream and its accepted streams

Error Stream::listen() {
  if (!is_server() || server()) return make_error(ErrorCode::kState, "not a server stream, or listening already");
  extras().server = std::make_unique<Server>(*this);
  return extras_->server->listen();
}

std::optional<StreamInfo> Stream::accepted_info() const {
  StreamInfo a;
  if (extras_ && extras_->make_accepted) {
    if (!extras_->make_accepted(a)) return std::nullopt;
  } else {
    // The same callbacks and user object (the C++ API's default); not the
    // server's own on_bind (its publication hook is not the client's).
    if (FunctionHandlers* fn = handlers_->as_functions()) {
      a.callbacks = fn->callbacks();  // a copy, as a copied StreamInfo has
    } else {
      a.handlers = handlers_;
    }
    a.user = user_;
  }
  a.streamtype = st_.name;
  a.flags = static_cast<std::uint8_t>((flags_ & ~kInfoServer) | kInfoAccepted);
  return a;
}

void Stream::foreach_client(const std::function<void(Stream*)>& fn) {
  if (server() && !destroy_started()) server()->foreach_client(fn);
}

void Stream::adopt(std::unique_ptr<Connection> conn, bool tls) {
  Guard g(this);
  move_to(phase_, StreamPhase::kLive);
  raise(State::kCreating);
  if (pending_destroy_) return;  // conn closes as it goes out of scope
  seq_ = Seq::kConnecting;
  raise(State::kConnecting);
  if (pending_destroy_) return;
  if (pending_disconnect_) {  // the user turned the client away
    pending_disconnect_ = false;
    end_accepted(false);
    return;
  }
  const BindingFactory* factory = ctx_.binding_for(st_.protocol, Role::kServer);
  auto a = std::make_unique<Attempt>(*this, std::make_shared<const Target>(Target{conn->peer(), tls, ""}));
  Attempt* raw = a.get();
  if (factory && *factory) raw->binding_ = (*factory)(*raw);
  if (!raw->binding_) {
    set_last_error("no server binding for protocol number " + std::to_string(static_cast<int>(st_.protocol)));
    ctx_.log("stream " + std::to_string(id_) + " (" + st_.name + "): " + last_error() + "; client closed");
    end_accepted(false);
    return;
  }
  ++connect_attempts_;
  attempt_ = std::move(a);
  raw->relay_ = std::make_unique<Relay>();
  raw->relay_->set_target(raw);
  raw->conn_ = std::move(conn);
  raw->tls_ = tls;
  ctx_.trace("ss.accept", "ss" + std::to_string(id_) + " " + st_.name + " <- " + to_string(raw->conn_->peer()) +
                              " #" + std::to_string(raw->conn_->id()) + (tls ? " tls" : ""));
  if (tls) {
    // The handshake's end is the TLS wrapper's on_connected().
    raw->arm_phase_timer(ctx_.transport_timeout(), "the TLS handshake of an accepted client", "transport deadline");
    raw->conn_->set_handler(raw->relay_.get());
    return;
  }
  // The wire is up already; the binding starts from the loop, and the
  // connection delivers its events only after that.
  std::weak_ptr<Stream*> weak = token_;
  ctx_.loop().post([weak, raw] {
    auto tok = weak.lock();
    if (!tok || !*tok || (*tok)->attempt_.get() != raw) return;
    raw->on_connected();
    if ((*tok) && (*tok)->attempt_.get() == raw && raw->conn_) raw->conn_->set_handler(raw->relay_.get());
  });
}

// ---------------------------------------------------------------------------
// Payload

void Stream::post_tx_kick() {
  if (tx_kick_posted_) return;
  tx_kick_posted_ = true;
  std::weak_ptr<Stream*> weak = token_;
  ctx_.loop().post([weak] {
    auto tok = weak.lock();
    if (!tok || !*tok) return;
    Stream* s = *tok;
    s->tx_kick_posted_ = false;
    if (!s->attempt_ || !s->attempt_->protocol_up() || !s->tx_wanted_) return;
    Guard g(s);
    s->attempt_->binding_->on_tx_requested();
  });
}

}  // namespace ss::stream
