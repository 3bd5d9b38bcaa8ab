// The ws protocol binding (docs/secure-streams.md §2.4 "ws"): maps the sans-IO ws client core
// onto stream states.
//
//   transport up     -> upgrade request (key from the context Rng, version
//                       13, ws_subprotocol, mapped metadata as headers)
//   101 + good accept -> CONNECTED; then the user's tx is pulled
//   data frames      -> rx with SOM on a message's first frame and EOM on
//                       its FIN frame
//   user tx chunks   -> one frame each (split at max_frame): SOM starts a
//                       message (text, or binary with ws_binary), EOM sets
//                       FIN. A chunk that breaks the SOM/EOM rules closes
//                       the connection with a named error (lws asserts).
//   peer close       -> our close reply, then DISCONNECTED when TCP ends
//   handshake refused, bad frame, limit -> close with the named error
//                       (UNREACHABLE before CONNECTED, DISCONNECTED after)
// Validity (retry policy secs_since_valid_ping / secs_since_valid_hangup):
// with no frame from the peer for that many seconds we send a ping, or hang
// up. Checked once a second on the Loop while the connection is open.
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::ws {

std::unique_ptr<stream::Binding> make_ws_binding(stream::BindingHost& host);
void register_ws_binding(stream::Context& ctx);

}  // namespace ss::proto::ws
