// Planted bugs, for proving the simulation campaign catches real mistakes
// (docs/sim.md "Planted bugs"). A site reads
//
//     if (SS_PLANTED("retry-conceal")) ...wrong thing...
//
// In every normal build SS_PLANTED is the constant false and the site
// compiles to nothing. Only the test-only `--config=planted` build
// (-DSS_PLANTED_BUGS) compiles them in; there, the environment variable
// SS_PLANTED_BUG names the one bug that is on (none when unset).
#pragma once

namespace ss {

// True when SS_PLANTED_BUG names `name` (read once per process).
bool planted_bug_on(const char* name);

}  // namespace ss

#ifdef SS_PLANTED_BUGS
#define SS_PLANTED(name) (::ss::planted_bug_on(name))
#else
#define SS_PLANTED(name) false
#endif
