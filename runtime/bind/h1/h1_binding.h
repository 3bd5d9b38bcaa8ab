// The h1 protocol binding (docs/secure-streams.md §2.4 "Client h1"): maps the sans-IO h1
// client core onto stream states.
//
//   transport up      -> request head (method, path, Host, mapped metadata,
//                        Content-Length from request_tx_len or chunked,
//                        form/multipart framing), then the user's tx body;
//                        a proxy's onward stream (kInfoProxied) with a body
//                        (POST/PUT/PATCH) says CONNECTED here, as lws does,
//                        so its proxied client sends the body (docs/proxy.md)
//   response head     -> mapped response headers into metadata, then
//                        CONNECTED, then an http_resp_map user state if the
//                        status is mapped
//   body chunks       -> rx, SOM on the first
//   message complete  -> empty rx with EOM, then QOS_ACK_REMOTE (status ==
//                        http_expect, or 2xx) or QOS_NACK_REMOTE, with the
//                        Retry-After of a 503/429 as the backoff floor
//   redirect (3xx + Location) -> with allow_redirects (and not
//                        http_fail_redirect), for a request without a body:
//                        the Location (absolute, scheme-relative, absolute
//                        or relative path) is resolved and handed to the
//                        engine, which opens the next attempt there (another
//                        host too; never from TLS to plaintext; at most 4
//                        hops) with no state raised for the 3xx. Otherwise
//                        -> CONNECTED, NACK and close.
//   parse error / limit -> close with the named error
// Keep-alive: after a complete transaction on a connection the server keeps
// open, with nothing unread, the binding releases the connection to the
// context's ConnectionPool (runtime/stream/connection_pool.h) instead of
// closing it. The stream still sees DISCONNECTED; its next transaction, or
// another stream's to the same place, goes out on that wire (CONNECTING ->
// CONNECTED again) without a new TCP/TLS handshake.
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::h1 {

// Registers the client side and the server side (h1_server_binding.h).
void register_h1_binding(stream::Context& ctx);

}  // namespace ss::proto::h1
