#include "tools/campaign/planted_scenarios.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "sim/generator/spec_text.h"
#include "sim/generator/test_specs.h"
#include "sim/generator/world_source.h"
#include "tools/campaign/report.h"

namespace ss::campaign::testing {
namespace {

using sim::Scenario;
using sim::ScenarioRun;
using sim::World;

enum class Plant { kNone, kWildWrite, kAbort, kLivelock, kHang, kUseAfterFree, kLeak, kRunCounter, kColdStart };

const char* plant_name(Plant p) {
  switch (p) {
    case Plant::kNone: return "none";
    case Plant::kWildWrite: return "wild write";
    case Plant::kAbort: return "abort()";
    case Plant::kLivelock: return "livelock";
    case Plant::kHang: return "hang";
    case Plant::kUseAfterFree: return "heap use-after-free";
    case Plant::kLeak: return "leak";
    case Plant::kRunCounter: return "a static run counter in the trace";
    case Plant::kColdStart: return "the first run in a process traces differently";
  }
  return "?";
}

// Read at run time, so no compiler can tell the write below goes nowhere.
volatile std::uintptr_t g_wild_address = 0;
volatile std::uint64_t g_sink = 0;

// State that survives from one run to the next in a process: exactly what
// a deterministic run must not depend on (planted-nondeterminism).
std::uint64_t g_runs = 0;
bool g_warm = false;

// 48 bytes that nothing points to once this returns.
__attribute__((noinline)) void leak_a_block() {
  char* volatile block = new char[48];
  block[0] = 1;
  g_sink = g_sink + static_cast<std::uint64_t>(block[0]);
}

class PlantedRun final : public ScenarioRun {
 public:
  PlantedRun(std::unique_ptr<ScenarioRun> inner, Plant plant, std::uint64_t seed)
      : inner_(std::move(inner)), plant_(plant), seed_(seed) {}

  sim::WorldOptions world_options() const override { return inner_->world_options(); }
  std::string describe() const override {
    return inner_->describe() + "PLANTED (test only): " + plant_name(plant_) + "\n";
  }
  void start(World& world) override {
    inner_->start(world);
    if (plant_ != Plant::kNone) world.loop().after(millis(5), [this, &world] { fire(world); });
  }
  void check(World& world) override { inner_->check(world); }

 private:
  void fire(World& world) {
    switch (plant_) {
      case Plant::kNone:
        break;
      case Plant::kWildWrite:
        *reinterpret_cast<volatile int*>(g_wild_address + 8) = 1;
        break;
      case Plant::kAbort:
        std::fprintf(stderr, "planted: abort() on seed %llu\n", static_cast<unsigned long long>(seed_));
        std::abort();
      case Plant::kLivelock:
        repost(world);
        break;
      case Plant::kHang:
        for (;;) g_sink = g_sink + 1;
      case Plant::kUseAfterFree: {
        auto* block = new std::uint64_t[4]{1, 2, 3, 4};
        std::uint64_t* volatile dangling = block;
        delete[] block;
        g_sink = dangling[2];
        break;
      }
      case Plant::kLeak:
        leak_a_block();
        break;
      case Plant::kRunCounter:
        world.record("planted", "run=" + std::to_string(++g_runs));
        break;
      case Plant::kColdStart:
        world.record("planted", g_warm ? "warm" : "cold");
        g_warm = true;
        break;
    }
  }
  void repost(World& world) {
    world.loop().post([this, &world] { repost(world); });
  }

  std::unique_ptr<ScenarioRun> inner_;
  Plant plant_;
  std::uint64_t seed_;
};

class PlantedScenario final : public Scenario {
 public:
  using Choose = Plant (*)(std::uint64_t seed);
  PlantedScenario(std::string name, std::string summary, const Scenario& inner, Choose choose)
      : name_(std::move(name)), summary_(std::move(summary)), inner_(inner), choose_(choose) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return summary_; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override {
    return std::make_unique<PlantedRun>(inner_.derive(seed), choose_(seed), seed);
  }

 private:
  std::string name_, summary_;
  const Scenario& inner_;
  Choose choose_;
};

Plant crash_plant(std::uint64_t seed) {
  switch (seed % 10) {
    case 3: return Plant::kWildWrite;
    case 5: return Plant::kLivelock;
    case 7: return Plant::kAbort;
    default: return Plant::kNone;
  }
}

Plant hang_plant(std::uint64_t seed) { return seed % 4 == 2 ? Plant::kHang : Plant::kNone; }

Plant uaf_plant(std::uint64_t seed) { return seed % 10 == 3 ? Plant::kUseAfterFree : Plant::kNone; }

Plant leak_plant(std::uint64_t seed) { return seed % 10 == 3 ? Plant::kLeak : Plant::kNone; }

Plant nondeterminism_plant(std::uint64_t seed) {
  switch (seed % 10) {
    case 3: return Plant::kRunCounter;
    case 1:
    case 2:
    case 4:
    case 6:
    case 8: return Plant::kColdStart;
    default: return Plant::kNone;
  }
}

// --- planted-world -----------------------------------------------------------

std::size_t proxied_bytes(const sim::gen::WorldSpec& w) {
  std::size_t most = 0;
  for (const auto& s : w.streams) {
    if (!s.via_proxy) continue;
    std::size_t sum = 0;
    for (std::size_t m : s.messages) sum += m;
    most = std::max(most, sum);
  }
  return most;
}

bool has_reset(const sim::gen::WorldSpec& w) {
  for (const auto& a : w.faults.actions)
    if (a.kind == sim::FaultKind::kReset) return true;
  return false;
}

class PlantedWorldRun final : public ScenarioRun {
 public:
  explicit PlantedWorldRun(sim::gen::WorldSpec spec) : spec_(std::move(spec)) {}
  sim::WorldOptions world_options() const override {
    sim::WorldOptions o;
    o.seed = spec_.seed;
    return o;
  }
  std::string describe() const override {
    return "PLANTED (test only) world spec:\n" + sim::gen::world_spec_to_text(spec_);
  }
  void start(World& world) override {
    world.record("planted-world", std::to_string(spec_.streams.size()) + " streams");
    if (proxied_bytes(spec_) >= 1000 && spec_.faults.actions.empty()) {
      std::fprintf(stderr, "planted: abort() on a proxied stream with no fault\n");
      std::abort();
    }
  }
  void check(World& world) override {
    if (spec_.buggify) world.violation("[buggified] buggify is on");
    const std::size_t bytes = proxied_bytes(spec_);
    if (bytes >= 1000 && has_reset(spec_)) {
      world.violation("[big-proxied-reset] a stream sends " + std::to_string(bytes) +
                      " bytes via the proxy and a reset fault exists");
    }
  }

 private:
  sim::gen::WorldSpec spec_;
};

class PlantedWorld final : public Scenario, public sim::gen::WorldSource {
 public:
  std::string name() const override { return "planted-world"; }
  std::string summary() const override {
    return "TEST ONLY: random world specs; even seeds break [big-proxied-reset] (for --shrink)";
  }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override { return run_spec(spec_for_seed(seed)); }
  sim::gen::WorldSpec spec_for_seed(std::uint64_t seed) const override {
    sim::gen::WorldSpec w = sim::gen::testing::random_spec(seed);
    w.faults.actions.erase(std::remove_if(w.faults.actions.begin(), w.faults.actions.end(),
                                          [](const sim::FaultAction& a) { return a.kind == sim::FaultKind::kReset; }),
                           w.faults.actions.end());
    if (seed % 2 != 0) return w;
    w.proxy = true;
    for (int i = 0; i < 3; ++i) {
      sim::gen::StreamSpec s;
      s.streamtype = w.streamtypes.size() - 1;
      s.via_proxy = i == 1;
      s.messages = {1000, 3000, 4000};
      s.download = 777;
      s.start_at = millis(300);
      w.streams.push_back(s);
    }
    sim::FaultAction reset;
    reset.at = millis(50);
    reset.kind = sim::FaultKind::kReset;
    w.faults.actions.push_back(reset);
    return w;
  }
  std::unique_ptr<ScenarioRun> run_spec(sim::gen::WorldSpec spec) const override {
    return std::make_unique<PlantedWorldRun>(std::move(spec));
  }
};

}  // namespace

void register_planted_scenarios(sim::ScenarioRegistry& registry, const sim::Scenario& echo) {
  registry.add(std::make_unique<PlantedScenario>(
      "planted-crash", "TEST ONLY: echo; seed%10==3 SIGSEGV, ==5 livelock, ==7 abort()", echo, crash_plant));
  registry.add(std::make_unique<PlantedScenario>("planted-hang", "TEST ONLY: echo; seed%4==2 never returns", echo,
                                                 hang_plant));
  registry.add(std::make_unique<PlantedScenario>(
      "planted-nondeterminism",
      "TEST ONLY: echo; seed%10==3 traces a static run counter, seed%10 in {1,2,4,6,8} traces whether it is "
      "the first run in its process",
      echo, nondeterminism_plant));
  registry.add(std::make_unique<PlantedWorld>());
  if (std::string(build_flavour()) == "asan") {
    registry.add(std::make_unique<PlantedScenario>(
        "planted-uaf", "TEST ONLY (ASan builds): echo; seed%10==3 heap use-after-free", echo, uaf_plant));
    registry.add(std::make_unique<PlantedScenario>(
        "planted-leak", "TEST ONLY (ASan builds): echo; seed%10==3 leaks 48 bytes", echo, leak_plant));
  }
}

}  // namespace ss::campaign::testing
