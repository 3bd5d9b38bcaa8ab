// Fuzz target: the whole-stack world generator with the fuzzer's bytes as
// its decisions (docs/sim.md "The world scenario", "Fuzzing the generator").
//
// The input is read by FuzzedDataProvider, as the generator's Decisions
// (sim/generator/decisions.h): every choice the generator makes — policy,
// servers and their troubles, streams, payload sizes, readers, answers,
// the fault plan, the network's own seed — comes from the input, and an
// exhausted input answers 0, the simplest option. So coverage guidance
// explores worlds and interleavings the seeded generator rarely draws, and
// -minimize_crash shrinks a failing input to the smallest world for free.
//
// Oracle: the world runner's invariants (sim/scenarios/world); any
// violation or livelock aborts with its text. With SS_WORLD_FUZZ_SAVE=FILE
// set, each input's world is also written to FILE as a scenario file, so a
// crash input replays in ss-sim (`--scenario FILE --trace`, docs/fuzzing.md). Worlds are kept small enough
// to run thousands of inputs (the byte cap of generate.h); the event limit
// is ss-sim's.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/generator/decisions.h"
#include "sim/generator/generate.h"
#include "sim/generator/spec_text.h"
#include "sim/scenario.h"
#include "sim/scenarios/world/world_scenario.h"
#include "third_party/fuzzed_data_provider/FuzzedDataProvider.h"

namespace {

// Decisions from a FuzzedDataProvider: a value in [0, bound), 0 once the
// input is used up.
class FuzzedDecisions final : public ss::sim::gen::Decisions {
 public:
  explicit FuzzedDecisions(FuzzedDataProvider& fdp) : fdp_(fdp) {}
  std::uint64_t below(std::uint64_t bound) override {
    return bound <= 1 ? 0 : fdp_.ConsumeIntegralInRange<std::uint64_t>(0, bound - 1);
  }

 private:
  FuzzedDataProvider& fdp_;
};

// The livelock bound of `ss-sim` (docs/sim.md): a smaller one called busy
// but finite worlds livelocked (corpus/world_fuzz/busy-world-420k-events:
// 420,618 events, clean).
constexpr std::uint64_t kMaxEvents = 2'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  FuzzedDecisions decisions(fdp);
  const std::uint64_t seed = decisions.below(UINT64_MAX);
  ss::sim::WorldScenario worlds;
  ss::sim::RunConfig config;
  config.max_events = kMaxEvents;
  const ss::sim::gen::WorldSpec spec = ss::sim::gen::generate_world(decisions, seed);
  if (const char* save = std::getenv("SS_WORLD_FUZZ_SAVE")) {
    if (ss::Error e = ss::sim::gen::save_world_spec(save, spec)) {
      std::fprintf(stderr, "world_fuzz: %s\n", e.message().c_str());
      std::abort();
    }
  }
  const ss::sim::SeedOutcome o = ss::sim::run_derived(worlds.run_spec(spec), seed, config);
  if (!o.violations.empty()) {
    std::fprintf(stderr, "world_fuzz: %zu violation(s); the first: %s\n", o.violations.size(),
                 o.violations.front().c_str());
    std::abort();
  }
  return 0;
}
