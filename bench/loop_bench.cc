// EpollLoop and its TimerHeap under load: arming, cancelling and firing
// with 1k, 100k and 1M timers armed, and posted-work throughput. The cost
// per timer should grow at most like log n (docs/benchmarks.md).
//
//   bazel run -c opt //bench:loop_bench
//
// Figures are per timer / per task (items_per_second); docs/posix.md keeps
// a measured run.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/timer_heap.h"

namespace ss::posix {
namespace {

// Deadlines in a fixed scrambled order (a multiplicative permutation).
Micros scrambled(std::int64_t i, std::int64_t n) { return (i * 7919) % n; }

// Arm n timers (all already due), then fire them all through the loop.
void BM_LoopArmAndFire(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    EpollLoop loop;
    std::int64_t fired = 0;
    const Micros base = loop.now() - n - 1;
    for (std::int64_t i = 0; i < n; ++i) loop.at(base + scrambled(i, n), [&fired] { ++fired; });
    while (fired < n) loop.run_once(0);
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LoopArmAndFire)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Arm n timers and cancel them all (the usual fate of a timeout).
void BM_LoopArmAndCancel(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  std::vector<TimerId> ids(static_cast<std::size_t>(n));
  for (auto _ : state) {
    EpollLoop loop;
    const Micros base = loop.now() + seconds(60);
    for (std::int64_t i = 0; i < n; ++i) ids[i] = loop.at(base + scrambled(i, n), [] {});
    for (std::int64_t i = 0; i < n; ++i) loop.cancel(ids[i]);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LoopArmAndCancel)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// One arm + cancel while n other timers are armed: the steady-state cost
// of a per-stream timeout in a busy proxy.
void BM_ArmCancelWithNArmed(benchmark::State& state) {
  EpollLoop loop;
  const Micros base = loop.now() + seconds(60);
  const std::int64_t kArmed = state.range(0);
  for (std::int64_t i = 0; i < kArmed; ++i) loop.at(base + scrambled(i, kArmed), [] {});
  std::int64_t i = 0;
  for (auto _ : state) {
    TimerId id = loop.at(base + (i++ % kArmed), [] {});
    benchmark::DoNotOptimize(loop.cancel(id));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ArmCancelWithNArmed)->Arg(1000)->Arg(100000)->Arg(1000000);

// Pop from the heap alone (no epoll_wait): the raw firing cost.
void BM_HeapFire(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    TimerHeap heap;
    for (std::int64_t i = 0; i < n; ++i) heap.arm(scrambled(i, n), [] {});
    std::int64_t fired = 0;
    while (auto t = heap.pop_due(n, heap.next_id())) {
      (*t)();
      ++fired;
    }
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_HeapFire)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Posted-work throughput: post n tasks, run them in one turn.
void BM_PostThroughput(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  EpollLoop loop;
  for (auto _ : state) {
    std::int64_t ran = 0;
    for (std::int64_t i = 0; i < n; ++i) loop.post([&ran] { ++ran; });
    loop.run_once(0);
    benchmark::DoNotOptimize(ran);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PostThroughput)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace ss::posix
