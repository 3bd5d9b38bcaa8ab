// TEST ONLY: scenarios that crash, abort, livelock, hang or leak on chosen seeds,
// so the campaign runner's tests can show that a campaign survives them and
// names the seeds. Only the testonly binary //tools:ss-sim-planted
// registers them; ss-sim never does (docs/sim.md, "Campaigns").
#pragma once

#include "sim/scenario.h"

namespace ss::campaign::testing {

// Adds, each wrapping the echo scenario (every other seed is a plain echo
// run):
//   planted-crash  seed % 10 == 3: a wild write (SIGSEGV; under ASan a SEGV
//                  report); seed % 10 == 7: abort(); seed % 10 == 5: a
//                  livelock (work that re-posts itself forever)
//   planted-hang   seed % 4 == 2: a callback that never returns
//   planted-nondeterminism  seed % 10 == 3: traces a static counter of runs
//                  (so a second run in the same process differs);
//                  seed % 10 in {1,2,4,6,8}: traces "cold" in the first run
//                  of a process and "warm" after (so only the first seed of
//                  a worker differs when run again in it, and every one
//                  differs in a fresh process). No violation either way.
//   planted-uaf    seed % 10 == 3: a heap use-after-free; only in ASan builds,
//                  where it is an AddressSanitizer report
//   planted-leak   seed % 10 == 3: 48 bytes nothing points to; only in ASan
//                  builds, where LeakSanitizer finds them after the seed
//   planted-world  a WorldSource (sim/generator/world_source.h) for the
//                  --shrink / --scenario FILE tests, without the real
//                  world runner: a random WorldSpec per seed (even seeds
//                  get a proxied 8000-byte stream and a reset fault); a
//                  spec with a proxied stream sending >= 1000 bytes and a
//                  reset fault breaks "[big-proxied-reset]", buggify on
//                  breaks "[buggified]" too, and the same stream with no
//                  fault at all abort()s (a candidate that crashes).
// `echo` must outlive the registry.
void register_planted_scenarios(sim::ScenarioRegistry& registry, const sim::Scenario& echo);

}  // namespace ss::campaign::testing
