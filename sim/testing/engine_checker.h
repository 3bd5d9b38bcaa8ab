// EngineChecker: judges what the stream engine does, not only whether it
// crashes. Every stream scenario attaches one to its stream::Context
// (Hooks::observe, runtime/stream/observer.h) so that a campaign fails on
// WRONG behaviour: a retry that comes early, a jitter that is off, a
// DISCONNECT_ME that is ignored, a callback after DESTROYING.
//
// It keeps its own model of every stream (from the documented semantics
// in docs/states.md, never from the engine's internals) and reports to
// World::violation when the engine departs from it:
//
//   retry schedule
//     - a failure (UNREACHABLE; a DISCONNECTED that must reconnect: the
//       peer said "come back later", or not opportunistic and no completed
//       transaction) charges the budget at once, and nothing else does;
//     - the n-th consecutive failure (n counted here, reset by CONNECTED
//       and by a start from idle, restored after "come back later") is
//       concealed while n <= conceal (65535: always; no retry policy:
//       never); a concealed one waits exactly
//       max(base + ((base * pc * rand16) >> 16) / 100, Retry-After) with
//       base = backoff[min(n-1, len-1)] (3000 when empty), pc = jitter %
//       (0 -> 30), rand16 the bits the engine drew: so within
//       [base, base * (1 + pc%)] for the right table entry;
//     - the next POLL/CONNECTING of a retry comes exactly when it is due
//       (not earlier, not later, not never);
//     - the first unconcealed failure gives ALL_RETRIES_FAILED right away,
//       once; no ALL_RETRIES_FAILED otherwise;
//   return codes
//     - DESTROY_ME from rx/tx/state: destruction starts before the engine
//       returns to the loop, only DISCONNECTED (if connected) and
//       DESTROYING come in between, and no callback at all after
//       DESTROYING;
//     - DISCONNECT_ME from rx/tx/state while CONNECTED: DISCONNECTED comes
//       before the engine returns to the loop, with no rx or tx before it;
//     - rx and tx only between CONNECTED and DISCONNECTED (h1 tx also
//       before CONNECTED: the body goes before the response head);
//   at the end (finish)
//     - every stream reached DESTROYING; nothing owed is left;
//     - no live stream, no unreclaimed stream, no connection attempt, no
//       idle pooled connection in the context.
//
// "Before the engine returns to the loop" is one scheduler step: the engine
// acts on return codes when its outermost frame unwinds (stream.h).
// Local-sink links are not modelled (no scenario uses them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "runtime/stream/observer.h"
#include "sim/world.h"

namespace ss::sim {

class EngineChecker {
 public:
  explicit EngineChecker(World& world) : world_(world) {}
  EngineChecker(const EngineChecker&) = delete;
  EngineChecker& operator=(const EngineChecker&) = delete;

  // Installs the checker as cfg.hooks.observe (keeping any observer already
  // there). The checker must outlive the context made from `cfg`.
  void attach(stream::Context::Config& cfg);

  // After the run: end-of-run checks on `ctx`. Later events (the context's
  // destruction) are ignored.
  void finish(stream::Context& ctx);

  // Each violation then starts with its invariant id ("[retry-schedule] ",
  // "[return-code] ", "[legal-transition] ", "[one-destroying] ",
  // "[leak] "), as the "world" scenario reports them; off by default.
  void set_tagged(bool tagged) { tagged_ = tagged; }

  std::uint64_t events() const { return events_; }
  std::uint64_t backoffs() const { return backoffs_; }

 private:
  struct Due {
    explicit Due(const char* invariant) : id(invariant) {}
    const char* id;  // the invariant it belongs to
    bool on = false;
    std::uint64_t step = 0;
    std::string what;
  };
  struct Track {
    std::string name;
    const policy::Streamtype* st = nullptr;
    const policy::RetryPolicy* retry = nullptr;
    bool connected = false;        // CONNECTED seen, DISCONNECTED not yet
    bool destroy_started = false;  // kDestroy seen
    bool destroyed = false;        // DESTROYING seen
    std::uint32_t failures = 0;    // consecutive failures in this budget
    std::uint32_t saved_failures = 0;  // before the last CONNECTED reset them
    bool gave_up = false;
    bool retry_pending = false;  // a backoff is running
    Micros retry_due = 0;
    std::optional<Micros> timeout_due;  // start_timeout armed: TIMEOUT comes then
    bool retrying = false;  // the retry's POLL came; its CONNECTING is next
    bool end_seen = false;
    bool dns_failed = false;  // this attempt (since CONNECTING) ended in a DNS failure
    stream::EngineEvent end;  // the last attempt's end
    Due failure{"retry-schedule"};   // the budget must be charged
    Due arf{"retry-schedule"};       // ALL_RETRIES_FAILED must come
    Due disconnect{"return-code"};   // DISCONNECTED must come (DISCONNECT_ME)
    Due destroy{"return-code"};      // destruction must start (DESTROY_ME)
  };

  void on_event(const stream::EngineEvent& e);
  void on_state(Track& t, int state, std::uint32_t ack);
  void on_backoff(Track& t, const stream::EngineEvent& e);
  void on_answer(Track& t, const stream::EngineEvent& e);
  void on_timeout_arm(Track& t, const stream::EngineEvent& e);
  void check_overdue(const stream::EngineEvent& e);
  void owe(Due& d, std::string what);
  void fail(const Track& t, const char* id, const std::string& what);
  void report(const char* id, const std::string& text);

  World& world_;
  std::shared_ptr<const policy::Policy> policy_;
  std::map<std::uint64_t, Track> tracks_;
  std::uint64_t events_ = 0;
  std::uint64_t backoffs_ = 0;
  bool done_ = false;
  bool tagged_ = false;
};

}  // namespace ss::sim
