// Seed sweep of the "proxy" scenario: seeds 1..200 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/proxy/proxy_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(ProxyScenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_proxy_scenario(), 1, 200); }

}  // namespace
}  // namespace ss::sim
