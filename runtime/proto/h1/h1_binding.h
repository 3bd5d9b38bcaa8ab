// The h1 protocol binding (spec §2.4 "Client h1"): maps the sans-IO h1
// client core onto stream states.
//
//   transport up      -> request head (method, path, Host, mapped metadata,
//                        Content-Length from request_tx_len or chunked,
//                        form/multipart framing), then the user's tx body
//   response head     -> mapped response headers into metadata, then
//                        CONNECTED, then an http_resp_map user state if the
//                        status is mapped
//   body chunks       -> rx, SOM on the first
//   message complete  -> empty rx with EOM, then QOS_ACK_REMOTE (status ==
//                        http_expect, or 2xx) or QOS_NACK_REMOTE, with the
//                        Retry-After of a 503/429 as the backoff floor
//   redirect (3xx + Location) -> with allow_redirects (and not
//                        http_fail_redirect), a same-origin Location on a
//                        keep-alive connection is followed in place (new GET,
//                        no CONNECTED for the 3xx, at most 4 hops). Anything
//                        else -> CONNECTED, NACK and close: another origin
//                        needs an engine hook for a new endpoint that
//                        binding.h does not have yet.
//   parse error / limit -> close with the named error
// One transaction per connection: the binding closes after it, even when
// the server allows keep-alive. (A GET never pulls the user's tx, so "the
// user asked again" cannot be told from "the first ask is still pending";
// reuse needs that distinction from the engine first. The core supports
// reuse: Client::can_reuse.)
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::h1 {

std::unique_ptr<stream::Binding> make_h1_binding(stream::BindingHost& host);
void register_h1_binding(stream::Context& ctx);

}  // namespace ss::proto::h1
