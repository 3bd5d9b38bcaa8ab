// ss-sim: run seeds of a simulated scenario and report.
//
//   ss-sim --seeds N [--scenario NAME] [--first-seed F]   a campaign
//   ss-sim --seed S [--scenario NAME]                     one seed: its options
//   ss-sim --seed S --trace                               ... and its events
//   ss-sim --list | --help
//
// Exit: 0 all seeds clean, 1 some seed broke an invariant (its seed and the
// exact reproducing command are printed), 2 bad arguments.
// Wall time is read here (for the summary) and nowhere in sim/ or runtime/.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/scenarios/all/all_scenarios.h"
#include "sim/trace.h"

namespace {

using ss::sim::RunConfig;
using ss::sim::Scenario;
using ss::sim::ScenarioRegistry;
using ss::sim::SeedOutcome;

constexpr const char* kUsage =
    "usage: ss-sim [--scenario NAME] (--seeds N [--first-seed F] | --seed S [--trace])\n"
    "              [--max-events N] | --list | --help\n"
    "\n"
    "Runs simulated scenarios (default: \"default\" = echo, stream-raw and proxy\n"
    "in turn by seed) over the faulty simulated network.\n"
    "  --seeds N        run seeds F..F+N-1 (F = --first-seed, default 1); print a summary\n"
    "  --seed S         run one seed; print its derived options (fault plan, workload)\n"
    "  --trace          with --seed: also print every trace event\n"
    "  --scenario NAME  which scenario (see --list)\n"
    "  --max-events N   livelock bound per seed (default 2000000)\n"
    "  --list           list scenarios\n"
    "Exit status: 0 clean, 1 an invariant was violated, 2 bad arguments.\n";

int bad(const std::string& msg) {
  std::fprintf(stderr, "ss-sim: %s\n(try --help)\n", msg.c_str());
  return 2;
}

bool parse_u64(const std::string& text, std::uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::string repro(const std::string& scenario, std::uint64_t seed) {
  return "bazel run //tools:ss-sim -- --scenario " + scenario + " --seed " + std::to_string(seed) +
         " --trace";
}

}  // namespace

int main(int argc, char** argv) {
  ScenarioRegistry registry;
  ss::sim::register_all_scenarios(registry);

  std::string scenario_name = "default";
  std::uint64_t seeds = 0, first = 1, seed = 0, max_events = 2'000'000;
  bool have_seeds = false, have_seed = false, trace = false, list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::uint64_t* out) -> bool {
      if (i + 1 >= argc) return false;
      return parse_u64(argv[++i], out);
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--list") {
      list = true;
    } else if (arg == "--trace") {
      trace = true;
    } else if (arg == "--scenario") {
      if (i + 1 >= argc) return bad("--scenario needs a name");
      scenario_name = argv[++i];
    } else if (arg == "--seeds") {
      if (!value(&seeds) || seeds == 0) return bad("--seeds needs a positive integer");
      have_seeds = true;
    } else if (arg == "--first-seed") {
      if (!value(&first)) return bad("--first-seed needs a non-negative integer");
    } else if (arg == "--seed") {
      if (!value(&seed)) return bad("--seed needs a non-negative integer");
      have_seed = true;
    } else if (arg == "--max-events") {
      if (!value(&max_events) || max_events == 0) return bad("--max-events needs a positive integer");
    } else {
      return bad("unknown argument '" + arg + "'");
    }
  }
  if (list) {
    for (const auto& s : registry.all()) std::printf("%-24s %s\n", s->name().c_str(), s->summary().c_str());
    return 0;
  }
  const Scenario* scenario = registry.find(scenario_name);
  if (scenario == nullptr) return bad("no scenario named '" + scenario_name + "' (see --list)");
  if (have_seed == have_seeds) return bad("give exactly one of --seeds N or --seed S");
  if (trace && !have_seed) return bad("--trace needs --seed S");

  RunConfig config;
  config.max_events = max_events;
  if (have_seed) {
    config.keep_trace = trace;
    std::printf("scenario: %s\nseed: %llu\n%s", scenario->name().c_str(),
                static_cast<unsigned long long>(seed), scenario->derive(seed)->describe().c_str());
    const SeedOutcome o = ss::sim::run_seed(*scenario, seed, config);
    if (trace) std::printf("trace:\n%s", o.trace.c_str());
    std::printf("result: events=%llu trace_events=%llu sim_time=%lldus hash=%s violations=%zu\n",
                static_cast<unsigned long long>(o.events),
                static_cast<unsigned long long>(o.trace_events), static_cast<long long>(o.sim_time),
                ss::sim::hex64(o.hash).c_str(), o.violations.size());
    for (const auto& v : o.violations) std::printf("VIOLATION: %s\n", v.c_str());
    return o.violations.empty() ? 0 : 1;
  }

  const bool tty = ::isatty(2) == 1;
  const auto wall_start = std::chrono::steady_clock::now();
  std::uint64_t events = 0, failed = 0;
  long double sim_time = 0;
  std::vector<SeedOutcome> failures;
  for (std::uint64_t k = 0; k < seeds; ++k) {
    SeedOutcome o = ss::sim::run_seed(*scenario, first + k, config);
    events += o.events;
    sim_time += static_cast<long double>(o.sim_time);
    if (!o.violations.empty()) {
      ++failed;
      if (failures.size() < 10) failures.push_back(std::move(o));
    }
    if (tty && (k % 50 == 49 || k + 1 == seeds)) {
      std::fprintf(stderr, "\r[%llu/%llu seeds] %llu failed", static_cast<unsigned long long>(k + 1),
                   static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(failed));
    }
  }
  if (tty) std::fputc('\n', stderr);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  for (const SeedOutcome& o : failures) {
    std::printf("FAILED seed %llu: %s\n  reproduce: %s\n", static_cast<unsigned long long>(o.seed),
                o.violations.front().c_str(), repro(scenario->name(), o.seed).c_str());
  }
  std::printf(
      "summary: scenario=%s seeds=%llu (first %llu) events=%llu simulated_time=%.3fs wall_time=%.2fs "
      "violations=%llu seeds\n",
      scenario->name().c_str(), static_cast<unsigned long long>(seeds),
      static_cast<unsigned long long>(first), static_cast<unsigned long long>(events),
      static_cast<double>(sim_time / 1e6L), wall, static_cast<unsigned long long>(failed));
  return failed == 0 ? 0 : 1;
}
