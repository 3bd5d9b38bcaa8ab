// Local sinks in the stream-raw scenario (docs/secure-streams.md §4.3,
// runtime/stream/sink.cc): in half of the seeds a sink is registered for
// the streamtype "raw-sink" and 1-3 source streams join it at drawn times,
// each sending 1-5 messages of 1..4,000 bytes (so several 1,380-byte sink
// chunks) that the accepted sink's user echoes back; the sink takes at
// most a drawn number of sources at once (it refuses the rest at
// SINK_JOIN), and an accepted sink may answer DESTROY_ME at a message's
// end. Drawn from a fork of the seed of its own, so seeds without a sink
// keep the worlds they had.
//
// Invariants: SINK_JOIN's ack is the number of sources linked now and
// SINK_PART's the number left; a source is refused exactly when the sink
// is full; both ends of a link go CREATING, CONNECTING, CONNECTED at once
// and DESTROYING together; rx only while CONNECTED; every message arrives
// whole with SOM on its first piece and EOM on its last, byte-exact and in
// order, both ways; with no DESTROY_ME every message and every echo
// arrives (a sink has no network, so faults never excuse a loss).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/rng.h"
#include "runtime/stream/context.h"
#include "runtime/stream/states.h"
#include "sim/world.h"

namespace ss::sim {

class SinkWorkload {
 public:
  static constexpr const char* kStreamtype = "raw-sink";

  // Everything from `draw`; no sink in half of the runs.
  static SinkWorkload draw(Rng draw);

  bool active() const { return !sources_.empty(); }
  std::string describe() const;
  // Registers the sink on `ctx` (the policy has kStreamtype as a
  // local_sink) and schedules the sources' lives.
  void start(World& world, stream::Context& ctx);
  void check(World& world) const;

  struct SourceSpec {
    Micros start_at = 0;
    Micros end_at = 0;
    std::vector<std::string> messages;
    int sink_destroys_at = -1;  // >= 0: the accepted sink answers DESTROY_ME at that message's EOM
  };
  // One end of a link, source or accepted sink: what it sends and reads.
  struct End;

 private:
  void create_source(std::size_t i);

  std::size_t max_sources_ = 1;
  std::vector<SourceSpec> sources_;
  World* world_ = nullptr;
  stream::Context* ctx_ = nullptr;
  std::size_t linked_ = 0;  // the model: sources linked now
  std::vector<std::shared_ptr<End>> ends_;  // source i at 2i, its accepted sink at 2i + 1
  std::shared_ptr<End> joining_;            // the accepted end of the source being created
};

}  // namespace ss::sim
