// The WebSocket opening handshake: the client side (RFC 6455 §4.1) and the
// server side (§4.2).
#pragma once

#include <string>
#include <string_view>

#include "runtime/core/result.h"
#include "runtime/core/rng.h"
#include "runtime/proto/http/http_message.h"

namespace ss::proto::ws {

// 16 random bytes from `rng`, base64 (24 chars). From the stream's Rng so
// a simulated run replays byte for byte.
std::string make_key(Rng& rng);

// base64(SHA-1(key + the RFC 6455 GUID)) (OpenSSL's SHA1 and base64).
std::string accept_for(std::string_view key);

// The upgrade request: GET target, Upgrade/Connection, key, version 13,
// Sec-WebSocket-Protocol when `subprotocol` is not empty, plus `extra`.
h1::Request upgrade_request(std::string_view host, std::string_view target, std::string_view key,
                            std::string_view subprotocol, const h1::Headers& extra);

// Checks a response head to the upgrade: 101, Upgrade: websocket,
// Connection: upgrade, the Sec-WebSocket-Accept for `key`, and a
// subprotocol that is the one asked for (or none when none was asked).
Error check_upgrade_response(const h1::Head& head, std::string_view key, std::string_view subprotocol);

// --- server side -----------------------------------------------------------

// Why an upgrade request was refused, and the status to answer it with.
struct UpgradeRefusal {
  int status = 400;
  std::string why;
  h1::Headers headers;  // e.g. Sec-WebSocket-Version: 13 with a 426
};

// Checks a client's upgrade request head (RFC 6455 §4.2.1): GET, HTTP/1.1,
// Upgrade: websocket, Connection: upgrade, a Sec-WebSocket-Key of 16
// base64 bytes (else 400) and Sec-WebSocket-Version 13 (else 426 with
// Sec-WebSocket-Version: 13). `subprotocol` is the server's ws_subprotocol:
// a client that offers subprotocols must offer it (else 400); one that
// offers none is served without. On success, the subprotocol to answer
// with ("" = none).
Result<std::string> check_upgrade_request(const h1::Head& head, std::string_view subprotocol,
                                          UpgradeRefusal& refusal);

// The 101 response head for `key` (and the chosen subprotocol, if any).
std::string upgrade_response(std::string_view key, std::string_view subprotocol);

}  // namespace ss::proto::ws
