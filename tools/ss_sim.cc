// ss-sim: run seeds of a simulated scenario and report (docs/sim.md).
//
//   ss-sim --seed S [--scenario NAME] [--trace]         one seed, in this process
//   ss-sim --seeds N | --duration D [--jobs J] ...      a campaign, in worker processes
//   ss-sim --list | --help
//
// The command line and the campaign runner are tools/campaign; the
// scenarios, and the "default" mix of them, are sim/scenarios/all.
#include "sim/scenario.h"
#include "sim/scenarios/all/all_scenarios.h"
#include "tools/campaign/cli.h"
#include "tools/tool_common.h"

int main(int argc, char** argv) {
  // --version, and relative --json/--junit/--trace-json paths under `bazel run`.
  if (auto rc = ss::tools::start_tool("ss-sim", argc, argv)) return *rc;
  ss::sim::ScenarioRegistry registry;
  ss::sim::register_all_scenarios(registry);
  return ss::campaign::ss_sim_main(argc, argv, registry, "//tools:ss-sim");
}
