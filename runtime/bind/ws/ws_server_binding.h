// The server side of a ws streamtype (docs/protocols.md "ws server",
// docs/states.md "Serving"): an accepted connection of a server streamtype
// with protocol ws speaks HTTP/1.1 until a request asks for a WebSocket
// upgrade, and WebSocket for the rest of its life after that.
//
//   plain requests    -> the h1 server binding (h1_server_binding.h):
//                        SERVER_TXN, server_ack, keep-alive, limits
//   upgrade request   -> path, method, mapped headers and URL args stored as
//                        metadata; checked (check_upgrade_request: 400, or
//                        426 for a Sec-WebSocket-Version other than 13,
//                        closed); a good one is answered 101 (the
//                        streamtype's ws_subprotocol when the client offers
//                        it) and raises SERVER_UPGRADE on the accepted
//                        stream, where the user may change_handlers()
//   client frames     -> rx: SOM on a message's first piece, EOM on the last
//                        piece of its FIN frame (pieces of at most 4096
//                        bytes); an unmasked frame closes with 1002
//   user tx chunks    -> unmasked frames (text, or binary with ws_binary):
//                        SOM starts a message, EOM sets FIN; a chunk that
//                        breaks the SOM/EOM rules closes the connection with
//                        a named error
//   ping              -> pong (wslay)
//   client close      -> our close reply, then we close the TCP connection
//                        (the server closes first, RFC 6455 §7.1.1);
//                        DISCONNECTED, and the accepted stream is destroyed
//   the user disconnects -> close 1000, best-effort as the transport closes
//   silence           -> nothing from the client for half of
//                        ServerLimits::idle_timeout: a ping; nothing for
//                        the whole of it: close 1001 and hang up
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::proto::ws {

std::unique_ptr<stream::Binding> make_ws_server_binding(stream::BindingHost& host);

}  // namespace ss::proto::ws
