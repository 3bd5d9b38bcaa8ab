// ss-sim --seed S --trace-json FILE: one run's trace as Chrome trace-event
// JSON ({"traceEvents": [...]}, opened by chrome://tracing and Perfetto;
// docs/sim.md, "Reproduce and look"). ts is the simulated time in µs.
//
// Tracks: pid 1 "streams" has one thread per stream (ssN), its states as
// spans from one ss.state to the next (the last to the end of the run) and
// its other events as instants; pid 2 "connections" has one thread per
// connection (conn=N), a span from its first event to its end and every
// event as an instant; pid 3 "world" has faults and violations as global
// instant markers and every other event as an instant.
#pragma once

#include <string>
#include <vector>

#include "sim/trace.h"

namespace ss::campaign {

std::string chrome_trace_json(const std::vector<sim::TraceEvent>& events);

}  // namespace ss::campaign
