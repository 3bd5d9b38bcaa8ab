// Replays corpus/sim-worlds/*.json: world scenario files (most of them
// shrunk by `ss-sim --seed S --shrink` from a seed that found a bug). Each
// must load, validate and run clean through the world scenario now. A
// failure names the file and the command that replays it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/generator/spec_text.h"
#include "sim/scenario.h"
#include "sim/scenarios/world/world_scenario.h"

namespace ss::sim {
namespace {

std::vector<std::filesystem::path> corpus_files() {
  const char* src = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  const auto dir = std::filesystem::path(src ? src : ".") / (ws ? ws : "") / "corpus" / "sim-worlds";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SimWorlds, EveryFileRunsClean) {
  const auto files = corpus_files();
  ASSERT_FALSE(files.empty()) << "no world files under corpus/sim-worlds";
  WorldScenario worlds;
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    const std::string replay = "bazel run //tools:ss-sim -- --scenario corpus/sim-worlds/" + name;
    auto spec = gen::load_world_spec(f.string());
    if (!spec.ok()) {
      ADD_FAILURE() << spec.error().message();
      continue;
    }
    const std::uint64_t seed = spec->seed;
    const SeedOutcome o = run_derived(worlds.run_spec(std::move(*spec)), seed);
    EXPECT_FALSE(o.livelock) << name << ": never came to rest\n  " << replay;
    EXPECT_TRUE(o.violations.empty()) << name << ": " << (o.violations.empty() ? "" : o.violations.front())
                                      << "\n  " << replay;
  }
}

}  // namespace
}  // namespace ss::sim
