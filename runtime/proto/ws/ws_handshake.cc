#include "runtime/proto/ws/ws_handshake.h"

#include <array>
#include <cstdint>

#include <sha1.h>  // libmd

#include "runtime/core/base64.h"
#include "runtime/core/planted.h"
#include "runtime/core/escape.h"

namespace ss::proto::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// RFC 6455 §4.1: 16 random bytes in base64 (standard alphabet): exactly 24
// characters, the last two '='.
bool is_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==" || key.find_first_of("-_ \t") != std::string_view::npos)
    return false;
  auto raw = decode_base64(key);
  return raw.ok() && raw->size() == 16;
}

// True when the comma-separated header value holds `token` (any case).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (h1::iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string make_key(Rng& rng) {
  std::array<std::uint8_t, 16> raw{};
  rng.fill(raw);
  return encode_base64(raw);
}

std::string accept_for(std::string_view key) {
  std::string joined(key);
  joined += kGuid;
  std::array<std::uint8_t, SHA1_DIGEST_LENGTH> digest{};
  SHA1_CTX sha;
  SHA1Init(&sha);
  SHA1Update(&sha, reinterpret_cast<const std::uint8_t*>(joined.data()), joined.size());
  SHA1Final(digest.data(), &sha);
  return encode_base64(digest);
}

h1::Request upgrade_request(std::string_view host, std::string_view target, std::string_view key,
                            std::string_view subprotocol, const h1::Headers& extra) {
  h1::Request r;
  r.method = "GET";
  r.target = std::string(target.empty() ? "/" : target);
  r.host = std::string(host);
  r.headers = {{"Upgrade", "websocket"},
               {"Connection", "Upgrade"},
               {"Sec-WebSocket-Key", std::string(key)},
               {"Sec-WebSocket-Version", "13"}};
  if (!subprotocol.empty()) r.headers.push_back({"Sec-WebSocket-Protocol", std::string(subprotocol)});
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  return r;
}

Error check_upgrade_response(const h1::Head& head, std::string_view key, std::string_view subprotocol) {
  auto fail = [](std::string what) { return make_error(ErrorCode::kParse, "ws handshake: " + what); };
  if (head.status != 101) return fail("status " + std::to_string(head.status) + ", expected 101");
  auto upgrade = h1::find_header(head.headers, "upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket")) return fail("Upgrade header is not 'websocket'");
  auto connection = h1::find_header(head.headers, "connection");
  if (!connection || !has_token(*connection, "upgrade")) return fail("Connection header lacks 'upgrade'");
  // A 101 has no body (RFC 9110 §15.2); one that announces one is broken.
  auto length = h1::find_header(head.headers, "content-length");
  if ((length && *length != "0") || h1::find_header(head.headers, "transfer-encoding"))
    return fail("101 response announces a body");
  auto accept = h1::find_header(head.headers, "sec-websocket-accept");
  if (!accept) return fail("Sec-WebSocket-Accept missing");
  // Planted: any Sec-WebSocket-Accept passes.
  if (*accept != accept_for(key) && !SS_PLANTED("ws-accept-unchecked")) return fail("Sec-WebSocket-Accept " + quote_text(*accept) + " is wrong for our key");
  auto proto = h1::find_header(head.headers, "sec-websocket-protocol");
  if (subprotocol.empty()) {
    if (proto) return fail("server chose subprotocol " + quote_text(*proto) + " that was not asked for");
  } else if ((!proto || *proto != subprotocol) && !SS_PLANTED("ws-subprotocol-unchecked")) {  // planted: any answer passes
    return fail("server did not accept subprotocol " + quote_text(subprotocol));
  }
  if (h1::find_header(head.headers, "sec-websocket-extensions"))
    return fail("server chose an extension; none was offered");
  return Error();
}

Result<std::string> check_upgrade_request(const h1::Head& head, std::string_view subprotocol,
                                          UpgradeRefusal& refusal) {
  auto refuse = [&refusal](int status, std::string what) {
    refusal.status = status;
    refusal.why = "ws upgrade refused: " + what;
    return make_error(ErrorCode::kParse, refusal.why);
  };
  if (head.method != "GET") return refuse(400, "method " + quote_text(head.method) + ", expected GET");
  if (head.http_major != 1 || head.http_minor < 1) return refuse(400, "HTTP/1.0 request");
  auto upgrade = h1::find_header(head.headers, "upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket")) return refuse(400, "Upgrade header is not 'websocket'");
  auto connection = h1::find_header(head.headers, "connection");
  if (!connection || !has_token(*connection, "upgrade")) return refuse(400, "Connection header lacks 'upgrade'");
  auto version = h1::find_header(head.headers, "sec-websocket-version");
  if (!version || *version != "13") {
    refusal.headers = {{"Sec-WebSocket-Version", "13"}};
    return refuse(426, "Sec-WebSocket-Version " + (version ? quote_text(*version) : std::string("missing")) +
                           ", expected 13");
  }
  auto key = h1::find_header(head.headers, "sec-websocket-key");
  if (!key || !is_key(*key)) return refuse(400, "Sec-WebSocket-Key " + (key ? quote_text(*key) : std::string("missing")) +
                                      " is not 16 base64 bytes");
  auto offered = h1::find_header(head.headers, "sec-websocket-protocol");
  if (!offered) return std::string();
  if (!subprotocol.empty() && has_token(*offered, subprotocol)) return std::string(subprotocol);
  return refuse(400, "subprotocols " + quote_text(*offered) + " offered, the server speaks " +
                         (subprotocol.empty() ? std::string("none") : quote_text(subprotocol)));
}

std::string upgrade_response(std::string_view key, std::string_view subprotocol) {
  h1::Headers headers{{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", accept_for(key)}};
  if (!subprotocol.empty()) headers.push_back({"Sec-WebSocket-Protocol", std::string(subprotocol)});
  return h1::serialize_response_head(101, "Switching Protocols", headers);
}

}  // namespace ss::proto::ws
