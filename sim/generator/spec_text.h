// A WorldSpec as a JSON file: what `ss-sim --save-scenario FILE` and
// `ss-sim --shrink` write and `ss-sim --scenario FILE` replays
// (docs/sim.md, "Scenario files and shrinking").
//
//   { "ss-sim-world": 1, "seed": 7, "latency_us": 1000, ...,
//     "faults": [{"at_us": 5000, "kind": "reset", ...}],
//     "servers": [...], "streamtypes": [...], "streams": [...] }
//
// Every field of WorldSpec (world_spec.h) and of each FaultAction
// (sim/faults.h) is written, so write(read(write(x))) == write(x); a reader
// may leave a field out (it then has its WorldSpec default) but may not add
// an unknown one. Enums are written by name ("reader": {"kind": "slow"}).
// Strings are JSON (UTF-8) text: a byte sequence that is not UTF-8 is
// written with U+FFFD in its place.
#pragma once

#include <string>
#include <string_view>

#include "runtime/core/result.h"
#include "sim/generator/world_spec.h"

namespace ss::sim::gen {

// The value of the format tag "ss-sim-world" this code writes and reads.
inline constexpr int kWorldSpecFormat = 1;

// Pretty JSON (2-space indent), ending in a newline.
std::string world_spec_to_text(const WorldSpec& spec);

// Parses and then validate()s. Errors are one line naming the JSON path
// ("streams[2].reader.kind: unknown value 'fastt' (expected fast, slow,
// stall or stop)") or the byte offset of a syntax error. Never throws.
Result<WorldSpec> world_spec_from_text(std::string_view text);

// The same on a file; errors start with "<path>: ".
Result<WorldSpec> load_world_spec(const std::string& path);
// Writes world_spec_to_text(spec); the error names the file.
Error save_world_spec(const std::string& path, const WorldSpec& spec);

}  // namespace ss::sim::gen
