// ss-sim: run seeds of a simulated scenario and report (docs/sim.md).
//
//   ss-sim --seed S [--scenario NAME] [--trace]         one seed, in this process
//   ss-sim --seeds N | --duration D [--jobs J] ...      a campaign, in worker processes
//   ss-sim --list | --help
//
// The command line and the campaign runner are tools/campaign; this file
// only says which scenarios ss-sim has.
#include <memory>

#include "sim/scenario.h"
#include "sim/scenarios/proxy/proxy_scenario.h"
#include "sim/scenarios/stream_h1/h1_scenario.h"
#include "sim/scenarios/stream_raw/stream_scenario.h"
#include "tools/campaign/cli.h"

int main(int argc, char** argv) {
  ss::sim::ScenarioRegistry registry;
  ss::sim::register_sim_scenarios(registry);
  ss::sim::register_stream_scenarios(registry);
  ss::sim::register_proxy_scenarios(registry);
  ss::sim::register_stream_h1_scenarios(registry);
  // The built-in default: the echo network, raw streams, h1 streams and the
  // proxy, in turn by seed.
  registry.add(ss::sim::make_mixed_scenario(
      "default", "echo, stream-raw, stream-h1 and proxy in turn (seed mod 4): the whole stack",
      {registry.find("echo"), registry.find("stream-raw"), registry.find("stream-h1"),
       registry.find("proxy")}));
  return ss::campaign::ss_sim_main(argc, argv, registry, "//tools:ss-sim");
}
