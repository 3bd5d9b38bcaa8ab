// One seed run again in a fresh process, for the determinism self-check
// (recheck.h): the ss-sim binary is executed anew with `--scenario NAME
// --seed S --max-events N --trace`, so no state of earlier runs (statics,
// the heap) can reach it, and its printed trace and hash are read back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace ss::campaign {

struct FreshRun {
  bool ok = false;    // a "result:" line with a hash was read
  std::string error;  // else why not ("exit status 1", "SIGSEGV", "exec failed")
  std::uint64_t hash = 0;
  std::vector<sim::TraceEvent> events;
};

FreshRun run_fresh(const std::string& exe, const std::string& scenario, std::uint64_t seed,
                   std::uint64_t max_events);

// Reads what `ss-sim --seed S --trace` printed (exposed for tests).
FreshRun parse_fresh_output(const std::string& output);

}  // namespace ss::campaign
