#include "sim/testing/engine_checker.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace ss::sim {
namespace {

using stream::EngineEvent;
using stream::Ret;
using stream::State;

// Invariant ids (set_tagged): the scenario-wide names of what broke.
constexpr const char* kLegal = "legal-transition";
constexpr const char* kReturn = "return-code";
constexpr const char* kRetry = "retry-schedule";
constexpr const char* kOneDestroying = "one-destroying";
constexpr const char* kLeak = "leak";
constexpr const char* kTimeout = "timeout";

// docs/states.md "Retry, reconnect and no storms", written out here on
// purpose (not policy::retry_delay_ms): the checker must not share the
// engine's arithmetic.
std::uint64_t base_ms(const policy::RetryPolicy* r, std::uint32_t n) {
  if (!r || r->backoff_ms.empty()) return 3000;
  return r->backoff_ms[std::min<std::size_t>(n - 1, r->backoff_ms.size() - 1)];
}
std::uint64_t jitter_pc(const policy::RetryPolicy* r) {
  return r && r->jitter_percent ? r->jitter_percent : 30;
}
bool concealed(const policy::RetryPolicy* r, std::uint32_t n) {
  if (!r) return false;
  if (r->conceal == policy::RetryPolicy::kConcealForever) return true;
  return n <= r->conceal;
}

}  // namespace

void EngineChecker::attach(stream::Context::Config& cfg) {
  policy_ = cfg.policy;
  auto previous = std::move(cfg.hooks.observe);
  cfg.hooks.observe = [this, previous](const EngineEvent& e) {
    if (previous) previous(e);
    on_event(e);
  };
}

void EngineChecker::report(const char* id, const std::string& text) {
  world_.violation((tagged_ ? "[" + std::string(id) + "] " : std::string()) + "engine: " + text);
}

void EngineChecker::fail(const Track& t, const char* id, const std::string& what) { report(id, t.name + ": " + what); }

void EngineChecker::owe(Due& d, std::string what) {
  d.on = true;
  d.step = world_.scheduler().steps();
  d.what = std::move(what);
}

// An obligation left when the engine went back to the loop was not met.
void EngineChecker::check_overdue(const EngineEvent& e) {
  // A TIMEOUT arriving late is judged by on_state, once.
  const bool timeout_now = e.kind == EngineEvent::Kind::kState && e.state == stream::to_int(State::kTimeout);
  const std::uint64_t step = world_.scheduler().steps();
  for (auto& [id, t] : tracks_) {
    for (Due* d : {&t.failure, &t.arf, &t.disconnect, &t.destroy}) {
      if (d->on && d->step != step) {
        fail(t, d->id, d->what + " (not before the engine returned to the loop)");
        d->on = false;
      }
    }
    if (t.retry_pending && !t.destroyed && world_.now() > t.retry_due) {
      fail(t, kRetry, "the retry due at " + std::to_string(t.retry_due) + "us has not come by " +
                  std::to_string(world_.now()) + "us");
      t.retry_pending = false;
    }
    if (t.timeout_due && world_.now() > *t.timeout_due && !(timeout_now && id == e.stream)) {
      fail(t, kTimeout, "the TIMEOUT due at " + std::to_string(*t.timeout_due) + "us has not come by " +
                  std::to_string(world_.now()) + "us");
      t.timeout_due.reset();
    }
  }
}

void EngineChecker::on_event(const EngineEvent& e) {
  if (done_) return;
  ++events_;
  check_overdue(e);
  auto it = tracks_.find(e.stream);
  if (it == tracks_.end()) {
    Track t;
    t.name = "ss" + std::to_string(e.stream) + " (" + (e.streamtype ? e.streamtype->name : "?") + ")";
    t.st = e.streamtype;
    if (policy_ && e.streamtype) t.retry = policy_->retry_of(*e.streamtype);
    it = tracks_.emplace(e.stream, std::move(t)).first;
  }
  Track& t = it->second;
  switch (e.kind) {
    case EngineEvent::Kind::kState:
      if (t.destroyed) {
        fail(t, kLegal, std::string("state ") + stream::state_name(e.state) + " after DESTROYING");
        return;
      }
      on_state(t, e.state, e.ack);
      return;
    case EngineEvent::Kind::kRx:
    case EngineEvent::Kind::kTx: {
      const char* what = e.kind == EngineEvent::Kind::kRx ? "rx" : "tx";
      if (t.destroyed) {
        fail(t, kLegal, std::string(what) + " callback after DESTROYING");
      } else if (t.destroy.on || t.destroy_started) {
        fail(t, kReturn, std::string(what) + " callback after DESTROY_ME");
      } else if (t.disconnect.on) {
        fail(t, kReturn, std::string(what) + " callback after DISCONNECT_ME (" + t.disconnect.what + ")");
      } else if (!t.connected && !(e.kind == EngineEvent::Kind::kTx && t.st &&
                                   (t.st->protocol == policy::Protocol::kH1 ||
                                    t.st->protocol == policy::Protocol::kH2))) {
        // h1 and h2 write their body before CONNECTED (which is the response head).
        fail(t, kLegal, std::string(what) + " callback while not CONNECTED");
      }
      return;
    }
    case EngineEvent::Kind::kAnswer:
      on_answer(t, e);
      return;
    case EngineEvent::Kind::kBackoff:
      on_backoff(t, e);
      return;
    case EngineEvent::Kind::kEnd:
      if (e.was_connected != t.connected)
        fail(t, kLegal, std::string("an attempt ended ") + (e.was_connected ? "CONNECTED" : "not CONNECTED") +
                    " but the user was told otherwise");
      t.end_seen = true;
      t.end = e;
      t.dns_failed = e.reason == EndReason::kDnsFailure;
      // "Come back later" was no success: the budget goes on from where it was.
      if (e.retry_asked) t.failures = t.saved_failures;
      return;
    case EngineEvent::Kind::kDestroy:
      if (t.destroy_started) fail(t, kOneDestroying, "destroyed twice");
      t.destroy_started = true;
      t.destroy.on = false;
      t.failure.on = false;      // no retry for a stream going away
      t.disconnect.on = false;   // destruction closes anyway
      t.retry_pending = false;   // the backoff is cancelled
      t.timeout_due.reset();     // and so is the user timer
      return;
    case EngineEvent::Kind::kTimeoutArm:
      on_timeout_arm(t, e);
      return;
    case EngineEvent::Kind::kTimeoutCancel:
      t.timeout_due.reset();
      return;
  }
}

// docs/states.md "Timeouts": start_timeout(0) takes the policy's
// timeout_ms; with both 0 nothing changes (a timer already armed stays);
// otherwise the timer is (re)armed and TIMEOUT comes exactly that late.
void EngineChecker::on_timeout_arm(Track& t, const EngineEvent& e) {
  const std::uint32_t ms = e.asked_ms ? e.asked_ms : (t.st ? t.st->timeout_ms : 0);
  if (ms == 0) return;
  t.timeout_due = world_.now() + millis(ms);
}

void EngineChecker::on_state(Track& t, int state, std::uint32_t ack) {
  const char* name = stream::state_name(state);
  if (t.destroy.on && state != stream::to_int(State::kDisconnected))
    fail(t, kReturn, std::string(name) + " after DESTROY_ME, before destruction");
  if (t.disconnect.on && state != stream::to_int(State::kDisconnected) &&
      state != stream::to_int(State::kQosAckRemote) && state != stream::to_int(State::kQosNackRemote))
    fail(t, kReturn, std::string(name) + " after DISCONNECT_ME (" + t.disconnect.what + "), before DISCONNECTED");
  if (t.failure.on) {
    fail(t, kRetry, std::string(name) + " before the failure was charged to the retry budget");
    t.failure.on = false;
  }
  if (t.arf.on && state != stream::to_int(State::kAllRetriesFailed)) {
    fail(t, kRetry, std::string(name) + " instead of ALL_RETRIES_FAILED after the budget ran out");
    t.arf.on = false;
  }
  const Micros now = world_.now();
  auto retry_time = [&] {
    if (now < t.retry_due)
      fail(t, kRetry, std::string(name) + " of a retry " + std::to_string(t.retry_due - now) + "us before its backoff ended");
    else if (now > t.retry_due)
      fail(t, kRetry, std::string(name) + " of a retry " + std::to_string(now - t.retry_due) + "us after its backoff ended");
    t.retry_pending = false;
  };
  auto fresh_budget = [&] {
    t.failures = 0;
    t.gave_up = false;
  };
  switch (static_cast<State>(state)) {
    case State::kPoll:
      if (t.retry_pending) {
        retry_time();
        t.retrying = true;
      } else {
        fresh_budget();  // request_tx from idle
      }
      break;
    case State::kConnecting:
      if (t.retry_pending) {
        retry_time();
      } else if (t.retrying || t.connected) {
        // the retry's own attempt; or the next transaction on a kept-alive connection
      } else {
        fresh_budget();  // request_tx / client_connect from idle, nailed_up
      }
      t.retrying = false;
      t.dns_failed = false;
      break;
    case State::kConnected:
      t.saved_failures = t.failures;
      fresh_budget();
      t.connected = true;
      break;
    case State::kDisconnected: {
      const bool was = t.connected;
      t.connected = false;
      t.disconnect.on = false;
      if (!was || t.destroy_started) break;
      if (!t.end_seen) {
        fail(t, kLegal, "DISCONNECTED without the end of its attempt");
        break;
      }
      const bool reconnect = t.end.retry_asked || (!t.st->opportunistic && !t.end.txn_ok);
      if (reconnect && !t.destroy.on) owe(t.failure, "a drop that must reconnect was not charged to the retry budget");
      break;
    }
    case State::kTimeout:
      if (!t.timeout_due)
        fail(t, kTimeout, "TIMEOUT with no user timer armed");
      else if (now != *t.timeout_due)
        fail(t, kTimeout, "TIMEOUT at " + std::to_string(now) + "us; it was due at " + std::to_string(*t.timeout_due) + "us");
      t.timeout_due.reset();
      break;
    case State::kUnreachable:
      if (t.connected) fail(t, kLegal, "UNREACHABLE while CONNECTED");
      // docs/api.md "States": ack 1 says DNS was the cause, 0 anything else.
      if (ack != (t.dns_failed ? 1u : 0u))
        fail(t, kLegal, "UNREACHABLE with ack " + std::to_string(ack) + " after an attempt that " +
                    (t.dns_failed ? "failed in DNS" : "did not fail in DNS"));
      t.dns_failed = false;
      if (!t.destroy.on) owe(t.failure, "UNREACHABLE was not charged to the retry budget");
      break;
    case State::kAllRetriesFailed:
      if (!t.arf.on) fail(t, kRetry, "ALL_RETRIES_FAILED while the budget had not run out");
      t.arf.on = false;
      break;
    case State::kDestroying:
      if (!t.destroy_started) fail(t, kOneDestroying, "DESTROYING without destruction");
      if (t.connected) fail(t, kLegal, "DESTROYING while CONNECTED (no DISCONNECTED first)");
      t.destroyed = true;
      break;
    default:
      break;
  }
}

void EngineChecker::on_answer(Track& t, const EngineEvent& e) {
  if (t.destroy_started || t.destroyed) return;  // nothing more to obey
  if (e.of == EngineEvent::Kind::kState && e.answered_state == stream::to_int(State::kDestroying)) return;
  const char* of = e.of == EngineEvent::Kind::kRx   ? "rx"
                   : e.of == EngineEvent::Kind::kTx ? "tx"
                                                    : stream::state_name(e.answered_state);
  if (e.ret == Ret::kDestroyMe && !t.destroy.on) {
    owe(t.destroy, std::string("DESTROY_ME from ") + of + " was not obeyed");
    // A failure being handled is dropped: the stream goes.
    t.failure.on = false;
  }
  if (e.ret == Ret::kDisconnectMe && t.connected && !t.disconnect.on &&
      !(e.of == EngineEvent::Kind::kState && e.answered_state == stream::to_int(State::kDisconnected)))
    owe(t.disconnect, std::string("DISCONNECT_ME from ") + of + " was not obeyed");
}

void EngineChecker::on_backoff(Track& t, const EngineEvent& e) {
  ++backoffs_;
  if (!t.failure.on) {
    fail(t, kRetry, "the retry budget was charged without a failure");
  }
  t.failure.on = false;
  if (t.gave_up) {
    if (!e.already_gave_up) fail(t, kRetry, "a failure after ALL_RETRIES_FAILED, in the same budget, was not ignored");
    return;
  }
  if (t.failures < 0xffffu) ++t.failures;
  const std::uint32_t n = t.failures;
  if (!concealed(t.retry, n)) {
    if (!e.give_up)
      fail(t, kRetry, "failure " + std::to_string(n) + " exceeds conceal " +
                  (t.retry ? std::to_string(t.retry->conceal) : std::string("(no retry policy)")) +
                  (e.already_gave_up ? " but the engine stayed silent (a budget spent earlier was not renewed)"
                                     : " but the engine did not give up"));
    t.gave_up = true;
    owe(t.arf, "ALL_RETRIES_FAILED did not come when the budget ran out");
    return;
  }
  if (e.give_up || e.already_gave_up) {
    fail(t, kRetry, "gave up at failure " + std::to_string(n) + ", concealed (conceal " + std::to_string(t.retry->conceal) + ")");
    t.gave_up = true;
    if (e.give_up) owe(t.arf, "ALL_RETRIES_FAILED did not come when the budget ran out");
    return;
  }
  const std::uint64_t base = base_ms(t.retry, n);
  const std::uint64_t pc = jitter_pc(t.retry);
  const std::uint64_t jittered = base + ((base * pc * e.rand16) >> 16) / 100;
  const std::uint64_t expected = std::min<std::uint64_t>(std::max<std::uint64_t>(jittered, e.floor_ms),
                                                         std::numeric_limits<std::uint32_t>::max());
  if (e.delay_ms != expected) {
    fail(t, kRetry, "backoff after failure " + std::to_string(n) + " is " + std::to_string(e.delay_ms) + " ms; the policy says " +
                std::to_string(expected) + " ms (entry " + std::to_string(base) + " ms, range [" + std::to_string(base) +
                ", " + std::to_string(base * (100 + pc) / 100) + "], rand16 " + std::to_string(e.rand16) +
                (e.floor_ms ? ", Retry-After " + std::to_string(e.floor_ms) + " ms" : "") + ")");
  }
  t.retry_pending = true;
  // Judge the timing against what the engine announced, so one wrong
  // delay is one violation.
  t.retry_due = world_.now() + static_cast<Micros>(e.delay_ms) * 1000;
}

void EngineChecker::finish(stream::Context& ctx) {
  if (done_) return;
  check_overdue(EngineEvent{});
  for (auto& [id, t] : tracks_) {
    for (Due* d : {&t.failure, &t.arf, &t.disconnect, &t.destroy})
      if (d->on) fail(t, d->id, d->what + " (by the end of the run)");
    if (!t.destroyed) fail(t, kOneDestroying, "never reached DESTROYING");
  }
  if (ctx.stream_count() != 0 || ctx.graveyard_count() != 0)
    report(kLeak, "left behind: " + std::to_string(ctx.stream_count()) + " live streams, " +
                     std::to_string(ctx.graveyard_count()) + " unreclaimed");
  if (ctx.attempt_count() != 0)
    report(kLeak, std::to_string(ctx.attempt_count()) + " connection attempts left behind");
  if (ctx.pool().idle_count() != 0)
    report(kLeak, std::to_string(ctx.pool().idle_count()) + " pooled connections left behind");
  // A shared wire (mqtt) closes when its last stream leaves it.
  if (ctx.wires().live_count() != 0)
    report(kLeak, std::to_string(ctx.wires().live_count()) + " shared connections left open with no stream");
  done_ = true;
}

}  // namespace ss::sim
