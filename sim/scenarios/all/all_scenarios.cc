#include "sim/scenarios/all/all_scenarios.h"

#include <string>
#include <vector>

#include "sim/scenarios/h2/h2_scenario.h"
#include "sim/scenarios/mqtt/mqtt_scenario.h"
#include "sim/scenarios/proxy/proxy_scenario.h"
#include "sim/scenarios/server/server_scenario.h"
#include "sim/scenarios/stream_h1/h1_scenario.h"
#include "sim/scenarios/stream_raw/stream_scenario.h"
#include "sim/scenarios/stream_ws/ws_scenario.h"
#include "sim/scenarios/world/world_scenario.h"

namespace ss::sim {

void register_all_scenarios(ScenarioRegistry& registry) {
  register_sim_scenarios(registry);
  register_stream_scenarios(registry);
  register_proxy_scenarios(registry);
  register_stream_h1_scenarios(registry);
  register_stream_ws_scenarios(registry);
  register_world_scenarios(registry);
  register_server_scenarios(registry);
  register_mqtt_scenarios(registry);
  register_h2_scenarios(registry);
  // The built-in default: every even seed a whole generated world; the odd
  // seeds take the focused scenarios in turn (the echo network, raw streams,
  // h1 streams, the proxy and bulk transfers through it, ws streams, server
  // streams, MQTT streams, rideshare uploads, h2 streams), so a campaign reaches every
  // protocol and role. Its summary (which `ss-sim --help` prints) is made
  // from the parts' names.
  const std::vector<std::string> focused = {"echo",      "stream-raw", "stream-h1", "proxy",    "proxy-bulk",
                                            "stream-ws", "server",     "mqtt",      "rideshare", "h2"};
  const Scenario* world = registry.find("world");
  std::vector<const Scenario*> parts;
  std::string summary = "a generated world (even seeds); ";
  for (std::size_t i = 0; i < focused.size(); ++i) {
    parts.push_back(world);
    parts.push_back(registry.find(focused[i]));
    summary += (i == 0 ? "" : i + 1 == focused.size() ? " and " : ", ") + focused[i];
  }
  summary += " in turn (odd seeds, seed mod " + std::to_string(parts.size()) + "): the whole stack";
  registry.add(make_mixed_scenario("default", summary, std::move(parts)));
}

}  // namespace ss::sim
