// phases.h: the legal moves of the engine's lifecycles, exhaustively.
#include "runtime/stream/phases.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace ss::stream {
namespace {

TEST(StreamPhase, ExactlyTheListedMoves) {
  using P = StreamPhase;
  const std::set<std::pair<P, P>> allowed = {
      {P::kNew, P::kLive}, {P::kNew, P::kDestroying}, {P::kLive, P::kDestroying},
      {P::kDestroying, P::kDestroyed}};
  for (P from : {P::kNew, P::kLive, P::kDestroying, P::kDestroyed}) {
    for (P to : {P::kNew, P::kLive, P::kDestroying, P::kDestroyed}) {
      EXPECT_EQ(legal(from, to), allowed.count({from, to}) == 1)
          << phase_name(from) << " -> " << phase_name(to);
    }
  }
}

TEST(AttemptPhase, ForwardOneStepOnly) {
  using P = AttemptPhase;
  const std::set<std::pair<P, P>> allowed = {{P::kOpening, P::kTransportUp},
                                             {P::kTransportUp, P::kProtocolUp}};
  for (P from : {P::kOpening, P::kTransportUp, P::kProtocolUp}) {
    for (P to : {P::kOpening, P::kTransportUp, P::kProtocolUp}) {
      EXPECT_EQ(legal(from, to), allowed.count({from, to}) == 1)
          << phase_name(from) << " -> " << phase_name(to);
    }
  }
}

TEST(Phases, MoveFollowsALegalPath) {
  StreamPhase s = StreamPhase::kNew;
  move_to(s, StreamPhase::kLive);
  move_to(s, StreamPhase::kDestroying);
  move_to(s, StreamPhase::kDestroyed);
  EXPECT_EQ(s, StreamPhase::kDestroyed);
  AttemptPhase a = AttemptPhase::kOpening;
  move_to(a, AttemptPhase::kTransportUp);
  move_to(a, AttemptPhase::kProtocolUp);
  EXPECT_EQ(a, AttemptPhase::kProtocolUp);
}

#ifndef NDEBUG
TEST(PhasesDeathTest, IllegalMoveAsserts) {
  StreamPhase s = StreamPhase::kDestroyed;
  EXPECT_DEATH(move_to(s, StreamPhase::kLive), "illegal StreamPhase move");
}
#endif

}  // namespace
}  // namespace ss::stream
