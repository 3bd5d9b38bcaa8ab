#include "sim/scenarios/all/all_scenarios.h"

#include "sim/scenarios/proxy/proxy_scenario.h"
#include "sim/scenarios/stream_h1/h1_scenario.h"
#include "sim/scenarios/stream_raw/stream_scenario.h"

namespace ss::sim {

void register_all_scenarios(ScenarioRegistry& registry) {
  register_sim_scenarios(registry);
  register_stream_scenarios(registry);
  register_proxy_scenarios(registry);
  register_stream_h1_scenarios(registry);
  // The built-in default: the echo network, raw streams, h1 streams, the
  // proxy and bulk transfers through it, in turn by seed.
  registry.add(make_mixed_scenario(
      "default",
      "echo, stream-raw, stream-h1, proxy and proxy-bulk in turn (seed mod 5): the whole stack",
      {registry.find("echo"), registry.find("stream-raw"), registry.find("stream-h1"), registry.find("proxy"),
       registry.find("proxy-bulk")}));
}

}  // namespace ss::sim
