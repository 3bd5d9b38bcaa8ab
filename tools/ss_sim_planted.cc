// TEST ONLY: ss-sim with the planted scenarios of
// tools/campaign/planted_scenarios.h (they crash, abort, livelock or hang on
// chosen seeds) besides echo, for tools/ss_sim_test.sh. Not ss-sim: its
// reproduce commands name this target.
#include "sim/scenario.h"
#include "tools/campaign/cli.h"
#include "tools/tool_common.h"
#include "tools/campaign/planted_scenarios.h"

int main(int argc, char** argv) {
  // --version, and relative --json/--junit/--trace-json paths under `bazel run`.
  if (auto rc = ss::tools::start_tool("ss-sim-planted", argc, argv)) return *rc;
  ss::sim::ScenarioRegistry registry;
  ss::sim::register_sim_scenarios(registry);
  ss::campaign::testing::register_planted_scenarios(registry, *registry.find("echo"));
  registry.add(ss::sim::make_mixed_scenario("default", "echo (this test binary has no other stack)",
                                            {registry.find("echo")}));
  return ss::campaign::ss_sim_main(argc, argv, registry, "//tools:ss-sim-planted");
}
