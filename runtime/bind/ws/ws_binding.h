// The ws protocol binding (docs/secure-streams.md §2.4 "ws"): maps the sans-IO ws client core
// onto stream states.
//
//   transport up     -> upgrade request (key from the context Rng, version
//                       13, ws_subprotocol, mapped metadata as headers)
//   101 + good accept -> CONNECTED; then the user's tx is pulled
//   data frames      -> rx in pieces of at most 4096 bytes (a frame of any
//                       size), SOM on a message's first piece and EOM on
//                       the last piece of its FIN frame
//   user tx chunks   -> one frame each (split at max_frame): SOM starts a
//                       message (text, or binary with ws_binary), EOM sets
//                       FIN. A chunk that breaks the SOM/EOM rules closes
//                       the connection with a named error (lws asserts).
//   peer close       -> our close reply, then DISCONNECTED when TCP ends
//   handshake refused, bad frame, limit -> close with the named error
//                       (UNREACHABLE before CONNECTED, DISCONNECTED after)
//   close 1009 (message too big; the peer's, or ours for max_message)
//                    -> QOS_NACK_REMOTE, and the connection is a failure
//                       for the retry budget (backoff grows; ALL_RETRIES_FAILED
//                       when conceal runs out), docs/protocols.md "ws states"
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
