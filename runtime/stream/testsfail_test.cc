// A scenario matrix in the style of lws's minimal-secure-streams-testsfail
// (docs/secure-streams.md §5): each case has a streamtype, a network behaviour, a time
// budget, the states it must see (in this order, other states may come in
// between), the states it must never see, and the rx byte count expected.
// As in lws, the state callback re-arms the timeout with the remaining
// budget in CREATING, CONNECTING and CONNECTED.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::Harness;
using sim::testing::HostMode;
using sim::testing::Recorder;

enum class Peer { kNone, kResetAfterConnect, kCloseAfterConnect };

struct Case {
  const char* name;
  const char* streamtype;
  HostMode mode;
  std::uint32_t budget_ms;
  std::vector<State> must_see;   // as a subsequence
  std::vector<State> never;      // none of these, ever
  std::size_t rx_bytes = 0;      // echo of what we send
  Peer peer = Peer::kNone;
  std::uint32_t first_unreachable_ack = 0;
};

const Case kCases[] = {
    {"raw echo", "echo", HostMode::kEcho, 5000,
     {State::kCreating, State::kPoll, State::kConnecting, State::kConnected},
     {State::kUnreachable, State::kAllRetriesFailed, State::kTimeout}, 1000},
    {"refused -> unreachable ... all retries failed", "echo", HostMode::kRefuse, 60000,
     {State::kConnecting, State::kUnreachable, State::kPoll, State::kConnecting,
      State::kUnreachable, State::kAllRetriesFailed},
     {State::kConnected, State::kDisconnected}},
    {"refused, no retry policy -> all retries failed at once", "once", HostMode::kRefuse, 60000,
     {State::kUnreachable, State::kAllRetriesFailed},
     {State::kConnected, State::kPoll /* after the first */}},
    {"blackhole + timeout -> timeout", "tmo", HostMode::kBlackhole, 3000,
     {State::kConnecting, State::kTimeout},
     {State::kConnected, State::kUnreachable, State::kAllRetriesFailed}},
    {"dns failure -> unreachable (dns ack) ... all retries failed", "echo", HostMode::kNxdomain,
     60000, {State::kUnreachable, State::kAllRetriesFailed},
     {State::kConnected}, 0, Peer::kNone, 1},
    {"peer reset -> disconnected, then reconnect", "echo", HostMode::kEcho, 8000,
     {State::kConnected, State::kDisconnected, State::kPoll, State::kConnecting,
      State::kConnected},
     {State::kUnreachable, State::kAllRetriesFailed}, 0, Peer::kResetAfterConnect},
    {"opportunistic peer close -> disconnected, no reconnect", "opp", HostMode::kEcho, 8000,
     {State::kConnected, State::kDisconnected},
     {State::kUnreachable, State::kAllRetriesFailed}, 0, Peer::kCloseAfterConnect},
};

class TestsFail : public ::testing::TestWithParam<Case> {};

TEST_P(TestsFail, Matrix) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.name);
  Recorder r;
  Harness h;
  h.sim.set_mode("echo.test", c.mode);
  Stream* s = nullptr;
  const Micros deadline = h.world.now() + millis(c.budget_ms);
  std::size_t polls = 0;
  r.answer = [&](State st) {
    if (st == State::kPoll) ++polls;
    if (st == State::kCreating || st == State::kConnecting ||
        st == State::kConnected) {
      const Micros left = deadline - h.world.now();
      if (left > 0 && s) s->start_timeout(static_cast<std::uint32_t>(left / 1000));
    }
    if (st == State::kConnected) {
      if (c.peer == Peer::kResetAfterConnect && r.count(State::kConnected) == 1) h.sim.peer_reset();
      if (c.peer == Peer::kCloseAfterConnect) h.sim.peer_close();
    }
    return Ret::kOk;
  };
  StreamInfo info;
  info.streamtype = c.streamtype;
  info.callbacks = r.callbacks();
  info.on_bind = [&](Stream* st) { s = st; };
  ASSERT_TRUE(h.ctx->create(std::move(info)).ok());
  r.to_send.assign(c.rx_bytes, 'x');
  if (!c.rx_bytes) r.to_send.clear();
  s->request_tx();
  // Like lws's testsfail the case ends at its budget: a TIMEOUT only counts
  // when the case expects one (the re-armed timer fires exactly then).
  h.world.run_for(millis(c.budget_ms) - 1);
  if (std::find(c.must_see.begin(), c.must_see.end(), State::kTimeout) != c.must_see.end()) {
    h.world.run_for(millis(2));
  }

  // Must-see, as a subsequence.
  std::size_t i = 0;
  for (State st : r.states) {
    if (i < c.must_see.size() && st == c.must_see[i]) ++i;
  }
  EXPECT_EQ(i, c.must_see.size()) << c.name << ": saw " << r.names();
  for (State bad : c.never) {
    if (bad == State::kPoll) {
      EXPECT_LE(polls, 1u) << c.name << ": saw " << r.names();
    } else {
      EXPECT_FALSE(r.saw(bad)) << c.name << ": " << state_name(bad) << " in " << r.names();
    }
  }
  EXPECT_EQ(r.rx.size(), c.rx_bytes) << c.name;
  EXPECT_LE(r.count(State::kAllRetriesFailed), 1u) << c.name;
  if (c.first_unreachable_ack) {
    for (std::size_t k = 0; k < r.states.size(); ++k) {
      if (r.states[k] == State::kUnreachable) {
        EXPECT_EQ(r.acks[k], c.first_unreachable_ack) << c.name;
        break;
      }
    }
  }
  EXPECT_TRUE(sim::testing::sequence_legal(r.states)) << r.names();
  EXPECT_TRUE(h.violations.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, TestsFail, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return "case" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace ss::stream
