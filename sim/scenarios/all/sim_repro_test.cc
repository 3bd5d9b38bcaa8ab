// Replays the simulator's regression corpus: corpus/sim-repro/*.seeds hold
// lines "SCENARIO SEED  # what it caught". Each seed once failed on code
// with a bug (found by a campaign, a real peer or a review); it must run
// clean and come to rest now. A failure names the seed and the command
// that replays it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenarios/all/all_scenarios.h"
#include "sim/testing/seed_share.h"

namespace ss::sim {
namespace {

struct Repro {
  std::string file;
  int line = 0;
  std::string scenario;
  std::uint64_t seed = 0;
  std::string note;
};

std::vector<Repro> load_corpus() {
  std::vector<Repro> out;
  const char* src = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  std::filesystem::path dir = std::filesystem::path(src ? src : ".") / (ws ? ws : "") / "corpus" / "sim-repro";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".seeds") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      Repro r{f.filename().string(), n, "", 0, ""};
      const auto hash = line.find('#');
      if (hash != std::string::npos) r.note = line.substr(hash + 1);
      std::istringstream words(line.substr(0, hash));
      if (!(words >> r.scenario)) continue;  // blank or comment line
      if (!(words >> r.seed)) {
        ADD_FAILURE() << f << ":" << n << ": expected 'SCENARIO SEED  # note'";
        continue;
      }
      out.push_back(r);
    }
  }
  return out;
}

TEST(SimRepro, EverySeedRunsClean) {
  ScenarioRegistry registry;
  register_all_scenarios(registry);
  const auto corpus = load_corpus();
  ASSERT_FALSE(corpus.empty()) << "no seeds found under corpus/sim-repro";
  // Every known bug's seed runs in every config: no stride.
  const testing::SeedShare share = testing::SeedShare::from_env(/*honour_stride=*/false);
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (!share.runs(i)) continue;
    const Repro& r = corpus[i];
    const Scenario* scenario = registry.find(r.scenario);
    if (!scenario) {
      ADD_FAILURE() << r.file << ":" << r.line << ": no scenario '" << r.scenario << "'";
      continue;
    }
    const SeedOutcome o = run_seed(*scenario, r.seed);
    const std::string replay =
        "bazel run //tools:ss-sim -- --scenario " + r.scenario + " --seed " + std::to_string(r.seed) + " --trace";
    EXPECT_FALSE(o.livelock) << r.file << ":" << r.line << " (" << r.note << "): never came to rest\n  " << replay;
    EXPECT_TRUE(o.violations.empty()) << r.file << ":" << r.line << " (" << r.note << "): "
                                      << (o.violations.empty() ? "" : o.violations.front()) << "\n  " << replay;
  }
}

}  // namespace
}  // namespace ss::sim
