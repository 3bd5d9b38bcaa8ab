// The h2 protocol binding (docs/secure-streams.md §2.4 "h1/h2",
// docs/protocols.md "HTTP/2"): one h2 stream per attempt, the streams of a
// context to the same place multiplexed on one connection
// (h2_connection.h).
//
//   attempt        -> joins the usable connection for its place, or opens
//                     one (TLS with ALPN "h2", or cleartext h2 with prior
//                     knowledge for an http:// endpoint / "tls": false)
//   wire up        -> HEADERS: method, path (http_url, ${md} expanded),
//                     metadata with a header mapping, the http_*_header
//                     system blobs; a body for POST/PUT/PATCH from tx
//   response head  -> mapped response headers into metadata, CONNECTED,
//                     http_resp_map user state (a proxy's onward stream
//                     with a body says CONNECTED at its HEADERS, as h1)
//   DATA           -> rx (SOM on the first piece)
//   END_STREAM     -> rx EOM, QOS_ACK_REMOTE (2xx or http_expect) or
//                     QOS_NACK_REMOTE, then the attempt ends (DISCONNECTED)
//   RST_STREAM, GOAWAY above our id, the wire's end
//                  -> the attempt ends as reset (the engine's retry rules)
//   manual credit  -> the stream's window is the stream's credit;
//                     add_peer_tx_credit sends a WINDOW_UPDATE
//   long_poll      -> after the head the request side is ended (rx only)
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::h2 {

class H2Registry;

std::unique_ptr<stream::Binding> make_h2_binding(stream::BindingHost& host,
                                                 const std::shared_ptr<H2Registry>& registry);
// Registers the h2 client binding; the context's h2 connections live in
// the registry the factory keeps.
void register_h2_binding(stream::Context& ctx);

}  // namespace ss::proto::h2
