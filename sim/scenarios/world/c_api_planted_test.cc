// The planted bug capi-disconnect-as-ok (lws_ss_* maps LWSSSSRET_DISCONNECT_ME
// to OK, runtime/capi/c_api.cc) must fail a calm world whose C API stream
// answers DISCONNECT_ME with [c-api]: the engine took another answer than
// the C callback gave. This binary links //runtime/core:planted_switch
// statically (docs/sim.md "Planted bugs"); the switch reads SS_PLANTED_BUG
// once per process, so the bug is named before anything asks.
#include <gtest/gtest.h>

#include <cstdlib>

#include "runtime/core/planted.h"
#include "sim/scenarios/world/world_testing.h"

namespace ss::sim::world {
namespace {

TEST(WorldPlanted, CApiDisconnectAsOkIsCApi) {
  ASSERT_EQ(setenv("SS_PLANTED_BUG", "capi-disconnect-as-ok", 1), 0);
  ASSERT_TRUE(planted_bug_on("capi-disconnect-as-ok")) << "the planted switch is not linked in";
  gen::WorldSpec w = one_server_world({.proto = gen::Proto::kWs});
  w.streams[0].api = gen::Api::kCApi;
  w.streams[0].messages = {3000, 3000, 3000};
  w.streams[0].answers.disconnect_from = gen::AnswerSpec::From::kRx;
  w.streams[0].answers.disconnect_every = 2;
  w.streams[0].end_at = seconds(5);
  const SeedOutcome o = run_world_spec(w);
  EXPECT_TRUE(has_violation(o, "c-api")) << all_violations(o);
}

}  // namespace
}  // namespace ss::sim::world
