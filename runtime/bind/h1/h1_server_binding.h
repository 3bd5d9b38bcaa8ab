// The server side of the h1 binding (docs/secure-streams.md §2.4 "server",
// docs/api.md "Serving"): an accepted stream of a server streamtype with
// protocol h1 answers HTTP/1.1 requests, parsed by the same sans-IO parser
// as the client's responses (MessageParser in request mode).
//
//   transport up      -> CONNECTED (the accepted stream is connected)
//   request head      -> the previous transaction's metadata and ack are
//                        forgotten; `path` and `method`, each declared
//                        metadata with a header mapping that the request
//                        carries, and each URL argument named like a
//                        declared metadata item are stored; SERVER_TXN
//   request body      -> rx, SOM on the first piece, an empty rx with EOM
//                        at its end (no rx for a request without a body)
//   user's tx         -> the response: head on the first pull, status 200
//                        for server_ack(0), the ack's value otherwise, 404
//                        without an ack; mapped metadata the user set since
//                        SERVER_TXN as headers; Content-Length from
//                        request_tx_len, else chunked (until close for an
//                        HTTP/1.0 request); EOM ends the response
//   keep-alive        -> the next request on the connection raises
//                        SERVER_TXN again (no CONNECTING/CONNECTED per
//                        request); pipelined requests wait for the response
//                        before theirs
// Limits (stream::ServerLimits, docs/api.md "Serving"): a head larger than
// the parser's 16 KiB -> 431; a body beyond max_body -> 413; a malformed
// request -> 400; a head not complete head_timeout after the connection or
// the previous response (slowloris), or no byte in or out for idle_timeout
// (a client that never reads) -> closed. Each is closed with a logged reason.
// An upgrade request (Upgrade: websocket or any other) is answered 501 and
// closed, unless the binding was made with an UpgradeTaker (a ws server
// streamtype, runtime/bind/ws/ws_server_binding.h): then the request's
// metadata are stored as for SERVER_TXN and the taker decides.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/proto/http/http_message.h"
#include "runtime/stream/binding.h"

namespace ss::proto::h1 {

// How to refuse an upgrade request: the status (with extra headers) and
// the reason logged when the connection closes.
struct UpgradeRefusal {
  int status = 400;
  std::string why;
  Headers headers;
};

// Given an upgrade request's head and the bytes that followed it: nullopt
// when the taker owns the connection from now on (the h1 binding then
// ignores it; the caller routes every later call to the taker), or how to
// refuse it.
using UpgradeTaker = std::function<std::optional<UpgradeRefusal>(const Head& head, std::vector<std::uint8_t> rest)>;

std::unique_ptr<stream::Binding> make_h1_server_binding(stream::BindingHost& host, UpgradeTaker take_upgrade = {});

}  // namespace ss::proto::h1
