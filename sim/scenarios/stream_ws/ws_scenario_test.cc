// Seed sweep of the "stream-ws" scenario: seeds 1..150 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/stream_ws/ws_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(WsScenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_stream_ws_scenario(), 1, 150); }

}  // namespace
}  // namespace ss::sim
