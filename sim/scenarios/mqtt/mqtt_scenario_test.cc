// Seed sweep of the "mqtt" scenario: seeds 1..150 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/mqtt/mqtt_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(MqttScenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_mqtt_scenario(), 1, 150); }

}  // namespace
}  // namespace ss::sim
