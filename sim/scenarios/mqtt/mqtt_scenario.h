// "mqtt": MQTT Secure Streams against a simulated, misbehaving broker.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_mqtt_scenario();
void register_mqtt_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
