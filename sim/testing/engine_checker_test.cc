// The engine checker on hand-made event sequences: a sequence that follows
// docs/states.md passes; each kind of departure is reported. (Its power on
// the real engine is measured by planting bugs; see docs/sim.md.)
#include "sim/testing/engine_checker.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/stream/context.h"

namespace ss::sim {
namespace {

using stream::EngineEvent;
using stream::Ret;
using stream::State;
using Kind = EngineEvent::Kind;

// A policy with one streamtype "t": backoff 200/500 ms, conceal 2, jitter 20 %.
std::shared_ptr<const policy::Policy> test_policy(bool opportunistic = false) {
  auto p = std::make_shared<policy::Policy>();
  policy::RetryPolicy r;
  r.name = "r";
  r.backoff_ms = {200, 500};
  r.conceal = 2;
  r.jitter_percent = 20;
  p->retries.push_back(r);
  policy::Streamtype st;
  st.name = "t";
  st.retry = 0;
  st.opportunistic = opportunistic;
  p->streamtypes.push_back(st);
  return p;
}

// Feeds events to a checker from scheduler steps at chosen times.
class Bed {
 public:
  explicit Bed(bool opportunistic = false) : policy_(test_policy(opportunistic)), checker_(world_) {
    stream::Context::Config cfg;
    cfg.policy = policy_;
    checker_.attach(cfg);
    observe_ = cfg.hooks.observe;
    st_ = &policy_->streamtypes[0];
  }
  EngineEvent ev(Kind k) const {
    EngineEvent e(k);
    e.stream = 1;
    e.streamtype = st_;
    return e;
  }
  EngineEvent state(State s) const {
    EngineEvent e = ev(Kind::kState);
    e.state = static_cast<int>(s);
    return e;
  }
  EngineEvent answer(Kind of, Ret r, State s = State::kNone) const {
    EngineEvent e = ev(Kind::kAnswer);
    e.of = of;
    e.answered_state = static_cast<int>(s);
    e.ret = r;
    return e;
  }
  EngineEvent backoff(std::uint16_t rand16, std::uint32_t delay_ms, bool give_up = false) const {
    EngineEvent e = ev(Kind::kBackoff);
    e.rand16 = rand16;
    e.delay_ms = delay_ms;
    e.give_up = give_up;
    return e;
  }
  EngineEvent end(bool was_connected) const {
    EngineEvent e = ev(Kind::kEnd);
    e.was_connected = was_connected;
    return e;
  }
  // One scheduler step at `at_ms` delivering `events` in order.
  void step(std::int64_t at_ms, std::vector<EngineEvent> events) {
    world_.loop().at(millis(at_ms), [this, events] {
      for (const auto& e : events) observe_(e);
    });
  }
  std::vector<std::string> run() {
    world_.run_until_idle(10000);
    return world_.violations();
  }
  // A created stream that connects and ends cleanly at `end_ms`.
  void destroy_at(std::int64_t ms, bool connected) {
    std::vector<EngineEvent> v{ev(Kind::kDestroy)};
    if (connected) v.push_back(state(State::kDisconnected));
    v.push_back(state(State::kDestroying));
    step(ms, v);
  }

 private:
  World world_;
  std::shared_ptr<const policy::Policy> policy_;
  EngineChecker checker_;
  std::function<void(const EngineEvent&)> observe_;
  const policy::Streamtype* st_ = nullptr;
};

// rand16 = 32768: jitter = ((200 * 20 * 32768) >> 16) / 100 = 20 -> 220 ms;
// for 500: 550 ms.
TEST(EngineChecker, DocumentedRetrySequencePasses) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(10, {b.end(false), b.state(State::kUnreachable), b.backoff(32768, 220)});
  b.step(230, {b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(240, {b.end(false), b.state(State::kUnreachable), b.backoff(32768, 550)});
  b.step(790, {b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(800, {b.end(false), b.state(State::kUnreachable), b.backoff(1, 0, true),
               b.state(State::kAllRetriesFailed)});
  b.destroy_at(900, false);
  EXPECT_TRUE(b.run().empty());
}

TEST(EngineChecker, WrongDelayAndEarlyRetryAreReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(10, {b.end(false), b.state(State::kUnreachable), b.backoff(32768, 200)});  // no jitter
  b.step(209, {b.state(State::kPoll), b.state(State::kConnecting)});                // 1 ms early
  b.destroy_at(300, false);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NE(v[0].find("the policy says 220 ms"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("before its backoff ended"), std::string::npos) << v[1];
}

TEST(EngineChecker, BudgetIsResetByConnected) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(10, {b.end(false), b.state(State::kUnreachable), b.backoff(32768, 220)});
  b.step(230, {b.state(State::kPoll), b.state(State::kConnecting), b.state(State::kConnected)});
  // The drop is failure 1 of a fresh budget (200 ms entry), not failure 2.
  b.step(300, {b.end(true), b.state(State::kDisconnected), b.backoff(32768, 550)});
  b.destroy_at(400, false);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("after failure 1 is 550 ms; the policy says 220 ms"), std::string::npos) << v[0];
}

TEST(EngineChecker, EarlyOrMissingAllRetriesFailedIsReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kPoll), b.state(State::kConnecting)});
  // Failure 1 of conceal 2 must be concealed.
  b.step(10, {b.end(false), b.state(State::kUnreachable), b.backoff(32768, 0, true),
              b.state(State::kAllRetriesFailed)});
  b.destroy_at(100, false);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("gave up at failure 1"), std::string::npos) << v[0];
}

TEST(EngineChecker, UnchargedFailureIsReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kPoll), b.state(State::kConnecting)});
  b.step(10, {b.end(false), b.state(State::kUnreachable)});
  b.destroy_at(100, false);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("UNREACHABLE was not charged"), std::string::npos) << v[0];
}

TEST(EngineChecker, OpportunisticDropMustNotRetry) {
  Bed b(/*opportunistic=*/true);
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), b.state(State::kConnected)});
  b.step(10, {b.end(true), b.state(State::kDisconnected), b.backoff(32768, 220)});
  b.destroy_at(100, false);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("charged without a failure"), std::string::npos) << v[0];
}

TEST(EngineChecker, IgnoredDisconnectMeIsReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), b.state(State::kConnected)});
  b.step(10, {b.ev(Kind::kTx), b.answer(Kind::kTx, Ret::kDisconnectMe)});
  b.step(20, {b.ev(Kind::kRx), b.answer(Kind::kRx, Ret::kOk)});
  b.destroy_at(100, true);
  const auto v = b.run();
  ASSERT_GE(v.size(), 1u);
  EXPECT_NE(v[0].find("DISCONNECT_ME from tx was not obeyed"), std::string::npos) << v[0];
}

TEST(EngineChecker, IgnoredDestroyMeAndCallbacksAfterDestroyingAreReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), b.state(State::kConnected)});
  b.step(10, {b.ev(Kind::kRx), b.answer(Kind::kRx, Ret::kDestroyMe)});
  b.destroy_at(100, true);
  b.step(200, {b.ev(Kind::kRx)});
  const auto v = b.run();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NE(v[0].find("DESTROY_ME from rx was not obeyed"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("rx callback after DESTROYING"), std::string::npos) << v[1];
}

TEST(EngineChecker, ObeyedReturnCodesPass) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), b.state(State::kConnected)});
  b.step(10, {b.ev(Kind::kRx), b.answer(Kind::kRx, Ret::kDisconnectMe), b.end(true), b.state(State::kDisconnected),
              b.backoff(32768, 220)});
  b.step(230, {b.state(State::kPoll), b.state(State::kConnecting), b.state(State::kConnected)});
  b.step(240, {b.ev(Kind::kTx), b.answer(Kind::kTx, Ret::kDestroyMe), b.ev(Kind::kDestroy),
               b.state(State::kDisconnected), b.state(State::kDestroying)});
  EXPECT_TRUE(b.run().empty());
}

EngineEvent arm(const Bed& b, std::uint32_t ms) {
  EngineEvent e = b.ev(Kind::kTimeoutArm);
  e.asked_ms = ms;
  return e;
}

// docs/states.md "Timeouts": TIMEOUT exactly `ms` after the arming call;
// re-arming moves it, cancelling removes it.
TEST(EngineChecker, TimeoutOnTimeAndCancelledTimeoutPass) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), arm(b, 300)});
  b.step(100, {arm(b, 300)});  // re-armed: now due at 400
  b.step(400, {b.state(State::kTimeout)});
  b.step(500, {arm(b, 50)});
  b.step(520, {b.ev(Kind::kTimeoutCancel)});
  b.destroy_at(900, false);
  EXPECT_TRUE(b.run().empty());
}

TEST(EngineChecker, LateMissingAndUnarmedTimeoutsAreReported) {
  Bed b;
  b.step(0, {b.state(State::kCreating), b.state(State::kConnecting), arm(b, 300)});
  b.step(301, {b.state(State::kTimeout)});  // 1 ms late
  b.step(400, {arm(b, 100)});
  b.step(600, {b.state(State::kConnected)});  // never came at 500: reported at the stream's next event
  b.step(700, {b.state(State::kTimeout)});  // and no timer is armed now
  b.destroy_at(900, true);
  const auto v = b.run();
  ASSERT_EQ(v.size(), 3u) << testing::PrintToString(v);
  EXPECT_NE(v[0].find("it was due at 300000us"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("the TIMEOUT due at 500000us has not come"), std::string::npos) << v[1];
  EXPECT_NE(v[2].find("TIMEOUT with no user timer armed"), std::string::npos) << v[2];
}

}  // namespace
}  // namespace ss::sim
