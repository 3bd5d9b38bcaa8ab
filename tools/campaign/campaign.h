// An ss-sim campaign: seeds of one scenario run in forked workers
// (worker_pool.h), every failure printed as soon as it is found with the
// command that replays it, a progress line, a summary, and optional JSON /
// JUnit reports (docs/sim.md, "Campaigns").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/scenario.h"
#include "tools/campaign/result.h"

namespace ss::campaign {

struct CampaignOptions {
  std::string label = "//tools:ss-sim";  // bazel target, for reproduce commands
  std::uint64_t from = 1;                // first seed
  std::optional<std::uint64_t> seeds;    // at most this many seeds
  std::optional<double> duration_seconds;  // stop starting seeds after this much wall time
  std::optional<std::uint64_t> stop_after_failures;  // stop starting seeds once this many failed
  int jobs = 1;
  std::uint64_t max_events = sim::RunConfig{}.max_events;
  double seed_timeout_seconds = 60;  // 0 = none
  std::uint64_t show_failures = 20;  // failures printed in full; the rest are counted
  bool progress = true;              // a progress line (campaign.cc: where)
  bool leak_check = true;            // ASan builds: LeakSanitizer after every seed
  double recheck = 1.0 / 20;         // --recheck: fraction of seeds run again (recheck.h)
  std::string json_path;
  std::string junit_path;
};

// Exit statuses of run_campaign (and ss-sim).
inline constexpr int kExitClean = 0;
inline constexpr int kExitFailed = 1;        // some seed failed
inline constexpr int kExitRunnerError = 3;   // fork/pipe failed
// A report that cannot be written: ss::tools::kExitFile (7), as in every tool.
inline constexpr int kExitInterrupted = 130; // SIGINT / SIGTERM

// Runs the campaign; stdout gets the failures and the summary, stderr the
// progress line when it is a terminal and, unless every seed passed, one
// line saying why not.
int run_campaign(const sim::Scenario& scenario, const CampaignOptions& options);

// One seed in this process, as a worker runs it: the same run_seed, so the
// same hash as `ss-sim --seed S`. `on_event` sees every trace event. The
// violations kept come with those of invariant `first_id` first (shrinking
// asks for the one it shrinks), else with the livelock first.
SeedResult run_seed_result(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                           const sim::Trace::Sink& on_event = {}, const std::string& first_id = "");

// The result of a finished run of `seed`: its counts and hash, its status,
// and the first violations of `o` in the order they stand there (the caller
// puts the one a reader should see first in front).
SeedResult seed_result(std::uint64_t seed, sim::SeedOutcome o);

// The worker count for "--jobs" left out: the CPUs this process may use.
int default_jobs();

}  // namespace ss::campaign
