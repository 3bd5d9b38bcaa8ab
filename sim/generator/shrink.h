// Shrinking: a failing WorldSpec made smaller while it still fails the same
// way (docs/sim.md, "Scenario files and shrinking").
//
// Greedy passes, repeated until a whole round changes nothing (a fixed
// point) or the budget of runs is spent:
//   - drop streams, fault actions, swarm kinds (with their actions),
//     messages and metadata sets: all at once, then halves, quarters, ...,
//     then one by one;
//   - drop streamtypes, servers and retry policies nothing uses (indices are
//     remapped);
//   - simplify values: via_proxy off, proxy off, reader -> fast, answers
//     cleared, the user timer off, again_after_arf 0, end_at 0, tx_mode request_tx, retry /
//     timeout / nailed_up / opportunistic / manual credit / client_buflen /
//     rxflow marks off, buggify off, segmentation off,
//     tls off (a server and its streamtypes together), server trouble ->
//     none;
//   - halve numbers towards 0: message and download sizes, start times.
// Every candidate must pass validate() (world_spec.h); one that does not is
// skipped without a run. A candidate already run is never run again.
//
// `still_fails` is the only judge: the caller decides what "the same
// failure" is (ss-sim: the first violation's [invariant-id], in a forked
// child, tools/campaign/world_files.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sim/generator/world_spec.h"

namespace ss::sim::gen {

// How big a world is, for progress lines and before/after reports.
struct SpecSize {
  std::size_t streams = 0;
  std::size_t faults = 0;
  std::size_t swarm = 0;
  std::size_t messages = 0;
  std::size_t bytes = 0;  // message sizes + downloads
  std::size_t servers = 0;
  std::size_t streamtypes = 0;
  std::size_t retries = 0;
  // "2 streams, 1 fault, 0 swarm kinds, 3 messages, 1500 bytes, 1 server, 1 streamtype, 0 retry policies"
  std::string to_string() const;
};
SpecSize spec_size(const WorldSpec& spec);

struct ShrinkProgress {
  std::uint64_t runs = 0;      // still_fails calls so far
  std::uint64_t accepted = 0;  // of those, how many still failed (and were kept)
  SpecSize size;               // of the smallest failing spec so far
  bool finished = false;       // the last report: a fixed point or the budget spent
  bool budget_spent = false;   // ... it stopped because max_runs were run
};

struct ShrinkOptions {
  std::uint64_t max_runs = 500;
  // After every run, and once more with finished = true.
  std::function<void(const ShrinkProgress&)> on_progress{};
};

// `failing` must fail (it is not run again). Returns the smallest failing
// spec found; `failing` itself when nothing smaller fails.
WorldSpec shrink(WorldSpec failing, const std::function<bool(const WorldSpec&)>& still_fails,
                 const ShrinkOptions& options = {});

// The invariant a violation text names: "x" for "[x] ...", "livelock" for
// the livelock violation run_seed adds ("livelock: still busy ..."), else
// the text up to its first ':' (or all of it).
std::string invariant_id(std::string_view violation);

}  // namespace ss::sim::gen
