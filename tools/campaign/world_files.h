// Scenario files and shrinking for ss-sim (docs/sim.md, "Scenario files and
// shrinking"): a seed of a world scenario (sim/generator/world_source.h) as
// a WorldSpec file (--save-scenario), a file run again (--scenario FILE),
// and a failing seed shrunk to the smallest world that still breaks the
// same invariant (--shrink), every candidate run in a forked child
// (worker_pool.h) so that a candidate that crashes costs only its result.
#pragma once

#include <cstdint>
#include <string>

#include "sim/generator/world_source.h"
#include "sim/scenario.h"
#include "tools/campaign/result.h"

namespace ss::campaign {

// The world source that runs `seed` of `scenario` (its part_for(seed)), or
// null when that part is not a world.
const sim::gen::WorldSource* world_source_for(const sim::Scenario& scenario, std::uint64_t seed);

// The first registered scenario that is a world source, or null.
const sim::gen::WorldSource* find_world_source(const sim::ScenarioRegistry& registry);

// A path the user gave, as they meant it: relative paths are taken from
// BUILD_WORKING_DIRECTORY when set (bazel run changes the directory).
std::string user_path(const std::string& path);

// What a failure is, for "fails the same way": "violation [<invariant-id>]"
// (the livelock violation is "violation [livelock]"), "crash <how>",
// "hang", "leak"; "" for a pass.
std::string failure_key(const SeedResult& result);

// Runs `seed` of `scenario` in a forked child (worker_pool.h). With
// `first_id`, a violation of that invariant is moved to the front of
// result.violations (so failure_key sees it whatever came first).
// `error` is set when the child could not be run at all.
SeedResult run_in_child(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                        double timeout_seconds, const std::string& first_id, std::string* error);

struct ShrinkRequest {
  std::string scenario_name;  // as given (--scenario), for the default file name and messages
  std::uint64_t seed = 0;
  std::uint64_t max_events = 0;
  double seed_timeout_seconds = 60;
  std::uint64_t max_runs = 500;
  std::string out_path;  // "" = shrunk-<scenario>-<seed>.json in the user's directory
  std::string label;     // bazel target, for the replay command
};

// ss-sim --shrink: 0 a file was written, 1 the seed passes, 2 the seed is
// not a world, 3 the runner failed or the file could not be written.
int shrink_command(const sim::Scenario& scenario, const ShrinkRequest& request);

// ss-sim --save-scenario FILE: 0 written, 2 not a world, 3 not written.
int save_scenario_command(const sim::Scenario& scenario, const std::string& scenario_name, std::uint64_t seed,
                          const std::string& path);

}  // namespace ss::campaign
