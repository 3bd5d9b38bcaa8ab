// Runs seeds in forked worker processes, so that a seed that crashes, aborts,
// trips a sanitizer or hangs costs only its own result (docs/sim.md,
// "Campaigns").
//
// Each worker is forked from the calling (parent) process, which never runs
// a seed itself, so every worker starts from the same state. The parent
// hands a worker one seed at a time over a pipe and so always knows which
// seed a worker is on; the worker answers with the seed's result over a
// second pipe, and its stdout/stderr go to a third one, which the parent
// keeps (the tail) for the seed in flight. When a worker dies with a seed in
// flight, that seed is a crash (its signal or exit status, and the telling
// line of its output); when a seed takes longer than the seed timeout, the
// worker is killed and the seed is a hang. Either way a fresh worker takes
// the next seed; so it does after a seed whose result is a leak. Results
// come in the order seeds finish.
//
// POSIX fork/pipe/poll; the parent must have no threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/campaign/result.h"

namespace ss::campaign {

struct PoolOptions {
  int jobs = 1;                        // worker processes at once
  double seed_timeout_seconds = 60;    // wall time per seed before it is a hang; 0 = none
  std::size_t output_cap = 64 * 1024;  // bytes of a seed's output kept (the tail)
};

struct PoolCallbacks {
  // Parent side. next_seed: the next seed to run, or false when there is
  // none (it is not asked again).
  std::function<bool(std::uint64_t*)> next_seed;
  std::function<void(SeedResult)> on_result;
  // Called about every 200 ms (progress, deadlines).
  std::function<void()> on_tick;
  // True once the campaign must stop now (an interrupt): the workers are
  // killed and the seeds they were on are not reported.
  std::function<bool()> stop_requested;
};

struct PoolOutcome {
  bool stopped = false;  // stop_requested ended it
  std::vector<std::uint64_t> dropped;  // then: the seeds that were in flight
  std::string error;     // the pool itself failed (fork, pipe, a bad frame); "" if not
};

// Worker side: runs one seed and returns its result (pass, violation,
// livelock or leak). Called in a worker process only.
using RunSeedFn = std::function<SeedResult(std::uint64_t seed)>;

PoolOutcome run_pool(const RunSeedFn& run_seed, const PoolOptions& options, const PoolCallbacks& callbacks);

}  // namespace ss::campaign
