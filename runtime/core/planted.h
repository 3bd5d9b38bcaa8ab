// Planted bugs, for proving the simulation campaign catches real mistakes
// (docs/sim.md "Planted bugs"). A site reads
//
//     if (SS_PLANTED("retry-conceal")) ...wrong thing...
//
// Every build has the sites, and in every normal binary planted_bug_on()
// is the weak definition in planted.cc that answers false: no environment
// variable can switch a bug on. Only a test-only binary that links
// //runtime/core:planted_switch (a strong definition) reads the
// environment variable SS_PLANTED_BUG, which names the one bug that is on.
// So the proof runs on the very objects of the normal build (no third
// build configuration), inside `bazel test //...`.
#pragma once

namespace ss {

// True when the planted switch is linked in and SS_PLANTED_BUG names `name`.
bool planted_bug_on(const char* name);

}  // namespace ss

#define SS_PLANTED(name) (::ss::planted_bug_on(name))
