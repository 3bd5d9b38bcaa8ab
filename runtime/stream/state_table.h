// The one table of legal state transitions (docs/states.md explains it and
// how it differs from lws's table of docs/secure-streams.md §2.3).
//
// Rules on top of the table:
//   - The table is over the *connection* states. Out-of-band notifications
//     (TIMEOUT, EVENT_WAIT_CANCELLED, UPSTREAM_LINK_RETRY, SINK_JOIN,
//     SINK_PART and user states >= 1000) are legal in any state after
//     CREATING and before DESTROYING, and do not change the tracked state.
//     UPSTREAM_LINK_RETRY is legal before CREATING too, and (none) may go
//     to DESTROYING: a proxied (SSPC) stream hears CREATING only once the
//     proxy answered (docs/states.md, "Proxied streams").
//   - Nothing is legal after DESTROYING; DESTROYING is the last event.
//   - The engine consults transition_legal() on every state it raises; an
//     illegal transition goes to the invariant hook (the simulator fails the
//     run, production logs) and is still delivered: never an abort.
#pragma once

#include "runtime/stream/states.h"

namespace ss::stream {

// True if `to` is out-of-band (does not move the tracked state).
bool is_out_of_band(State to);

// True if raising `to` when the tracked state is `from` is legal.
bool transition_legal(State from, State to);

// The tracked state after raising `to` from `from` (unchanged for
// out-of-band states).
State next_tracked(State from, State to);

}  // namespace ss::stream
