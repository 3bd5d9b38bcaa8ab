// The ss-sim command line (docs/sim.md): --list, one seed in this process
// (--seed S [--trace]) or a campaign in worker processes (--seeds N /
// --duration D, campaign.h). tools/ss_sim.cc supplies the scenarios; a
// test binary can supply its own (and its own bazel label, which goes into
// every reproduce command).
#pragma once

#include <string>
#include <string_view>

#include "sim/scenario.h"

namespace ss::campaign {

int ss_sim_main(int argc, char** argv, const sim::ScenarioRegistry& registry, const std::string& label);

// "90", "90s", "500ms", "5m", "1h", "1h30m": seconds, > 0. False for
// anything else.
bool parse_duration(std::string_view text, double* seconds);

}  // namespace ss::campaign
