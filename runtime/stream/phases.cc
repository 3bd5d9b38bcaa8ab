#include "runtime/stream/phases.h"

#include <cassert>

namespace ss::stream {

bool legal(StreamPhase from, StreamPhase to) {
  switch (from) {
    // destroy() before start(): a wrapper's on_bind hook may destroy the
    // handle it was given (no CREATING, so no DESTROYING either).
    case StreamPhase::kNew: return to == StreamPhase::kLive || to == StreamPhase::kDestroying;
    case StreamPhase::kLive: return to == StreamPhase::kDestroying;
    case StreamPhase::kDestroying: return to == StreamPhase::kDestroyed;
    case StreamPhase::kDestroyed: return false;
  }
  return false;
}

bool legal(AttemptPhase from, AttemptPhase to) {
  switch (from) {
    case AttemptPhase::kOpening: return to == AttemptPhase::kTransportUp;
    case AttemptPhase::kTransportUp: return to == AttemptPhase::kProtocolUp;
    case AttemptPhase::kProtocolUp: return false;  // the attempt ends in this phase
  }
  return false;
}

const char* phase_name(StreamPhase p) {
  switch (p) {
    case StreamPhase::kNew: return "new";
    case StreamPhase::kLive: return "live";
    case StreamPhase::kDestroying: return "destroying";
    case StreamPhase::kDestroyed: return "destroyed";
  }
  return "?";
}

const char* phase_name(AttemptPhase p) {
  switch (p) {
    case AttemptPhase::kOpening: return "opening";
    case AttemptPhase::kTransportUp: return "transport-up";
    case AttemptPhase::kProtocolUp: return "protocol-up";
  }
  return "?";
}

void move_to(StreamPhase& phase, StreamPhase to) {
  assert(legal(phase, to) && "illegal StreamPhase move (runtime/stream/phases.cc)");
  phase = to;
}

void move_to(AttemptPhase& phase, AttemptPhase to) {
  assert(legal(phase, to) && "illegal AttemptPhase move (runtime/stream/phases.cc)");
  phase = to;
}

}  // namespace ss::stream
