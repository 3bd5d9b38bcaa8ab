// How ss-sim --seed S shows a trace (docs/sim.md, "Reproduce and look"):
// times with a unit, the track (stream or connection) an event belongs to,
// and the --trace-filter / --trace-stream filters. Observation only: none of
// this changes a run or its hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/time.h"

namespace ss::campaign {

// Simulated microseconds as seconds with a unit: 1234567 -> "1.234567s".
std::string format_sim_time(Micros time);
// The inverse, for the lines --trace prints: "1.234567s" -> 1234567.
bool parse_sim_time(std::string_view text, Micros* time);

// The track of an event, from its text: stream events ("ss.state",
// "h1.status", ...) name their stream first ("ss3 echo CONNECTED ..." ->
// stream 3); network
// events name their connection ("conn=5" -> connection 5; "accept conn=2
// peer=1": the first one). Faults and violations belong to no track.
struct Track {
  enum Kind { kNone, kStream, kConnection } kind = kNone;
  std::uint64_t id = 0;
  bool operator==(const Track&) const = default;
};
Track event_track(std::string_view kind, std::string_view text);

// --trace-filter KIND[,KIND] and --trace-stream N.
struct TraceFilter {
  std::vector<std::string> kinds;  // empty: every kind
  std::optional<Track> track;      // unset: every track
  bool keeps(std::string_view kind, std::string_view text) const;
};
// "data,end" -> {"data", "end"}; false for an empty list or an empty kind.
bool parse_kind_list(std::string_view text, std::vector<std::string>* kinds);
// "3" or "ss3": stream 3; "conn=5" or "c5": connection 5.
bool parse_track(std::string_view text, Track* track);

}  // namespace ss::campaign
