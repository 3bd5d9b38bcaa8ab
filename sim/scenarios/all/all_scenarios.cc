#include "sim/scenarios/all/all_scenarios.h"

#include "sim/scenarios/proxy/proxy_scenario.h"
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
  // The built-in default: the echo network, raw streams, h1 streams, the
  // proxy and bulk transfers through it, ws streams, in turn by seed.
  registry.add(make_mixed_scenario(
      "default",
      "echo, stream-raw, stream-h1, proxy, proxy-bulk and stream-ws in turn (seed mod 6): the whole stack",
      {registry.find("echo"), registry.find("stream-raw"), registry.find("stream-h1"), registry.find("proxy"),
       registry.find("proxy-bulk"), registry.find("stream-ws")}));
}

}  // namespace ss::sim
