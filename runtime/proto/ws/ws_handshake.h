// The WebSocket opening handshake, client side (RFC 6455 §4.1).
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

}  // namespace ss::proto::ws
