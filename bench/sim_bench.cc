// The simulator's scheduler (sim/scheduler.h): events per second for
// posted work and for timers with n others queued. Whole-seed speed
// (seeds/s, simulated seconds per wall second) is ss-sim's own figure,
// which bench/run takes from `ss-sim --json`.
//
//   bazel run -c opt //bench:sim_bench
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sim/scheduler.h"

namespace ss::sim {
namespace {

// A task that reposts itself: one event per step, the queue stays short.
void BM_SchedulerPostStep(benchmark::State& state) {
  Scheduler scheduler;
  std::int64_t ran = 0;
  for (auto _ : state) {
    scheduler.post([&ran] { ++ran; });
    scheduler.step();
  }
  if (ran != state.iterations()) state.SkipWithError("scheduler lost events");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchedulerPostStep);

// Arm a timer and run the earliest while n timers are queued (a busy
// world: every stream has a timeout armed).
void BM_SchedulerTimerWithNQueued(benchmark::State& state) {
  Scheduler scheduler;
  const std::int64_t n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) scheduler.at((i * 7919) % n + 1, [] {});
  std::int64_t i = 0;
  for (auto _ : state) {
    scheduler.at(scheduler.now() + (i++ * 7919) % n + 1, [] {});
    scheduler.step();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchedulerTimerWithNQueued)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace ss::sim
