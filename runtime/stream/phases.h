// The engine's own lifecycles, as phases whose legal moves are listed in
// one place (phases.cc), like the user-visible state table (state_table.h).
// A move the table does not list is a programming error: move_to() asserts in
// debug builds; what the user sees is checked by the state table and the
// simulator's invariant checkers (docs/states.md).
#pragma once

#include <cstdint>

namespace ss::stream {

// A Stream's life (stream.h).
enum class StreamPhase : std::uint8_t {
  kNew,         // constructed; CREATING not raised yet (Stream::start)
  kLive,        // CREATING raised; the API acts
  kDestroying,  // do_destroy under way: its last states (DISCONNECTED, DESTROYING) only
  kDestroyed,   // in the context's graveyard until the reap; nothing acts
};

// An Attempt's connection (attempt.h): how far it got.
enum class AttemptPhase : std::uint8_t {
  kOpening,      // transport connecting (TCP, TLS handshake) or a pooled wire not handed over yet
  kTransportUp,  // the wire is up; the binding's protocol handshake runs
  kProtocolUp,   // the binding said connected(): CONNECTED was raised on this attempt
};

bool legal(StreamPhase from, StreamPhase to);
bool legal(AttemptPhase from, AttemptPhase to);
const char* phase_name(StreamPhase p);
const char* phase_name(AttemptPhase p);

// Moves `phase` to `to`, asserting the move is legal.
void move_to(StreamPhase& phase, StreamPhase to);
void move_to(AttemptPhase& phase, AttemptPhase to);

}  // namespace ss::stream
