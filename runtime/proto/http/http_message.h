// HTTP/1.1 message types shared by the sans-IO client core (h1_client.h),
// the parser (h1_parser.h) and the simulated server (sim/peers/).
//
// Limits (explicit, enforced by MessageParser and documented in
// docs/protocols.md):
//   kMaxHeaderBytes  16 KiB for the status/request line plus all header
//                    names and values of one message;
//   kMaxHeaderCount  100 header fields per message.
// Both are checked when the head is complete (so the error does not depend
// on how the input was split); until then http_parser's own 80 KiB
// HTTP_MAX_HEADER_SIZE bounds the memory a head can take.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace ss::proto::h1 {

inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxHeaderCount = 100;

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

// Case-insensitive lookup of the first header called `name`.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);
bool iequals(std::string_view a, std::string_view b);

// How the body of an outgoing message is framed.
enum class BodyFraming {
  kNone,           // no body, no Content-Length (GET)
  kContentLength,  // Content-Length: content_length
  kChunked,        // Transfer-Encoding: chunked (length unknown up front)
  kUntilClose,     // no length header; body ends at close (servers only)
};

// A request as the client core writes it.
struct Request {
  std::string method = "GET";
  std::string target = "/";  // origin-form path (and query)
  std::string host;          // Host header value ("name" or "name:port")
  Headers headers;           // extra headers, in order
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;  // with kContentLength
};

// The head of a parsed response (or request, for the simulated server).
struct Head {
  int status = 0;       // responses
  std::string method;   // requests
  std::string target;   // requests
  int http_major = 1;
  int http_minor = 1;
  Headers headers;
  bool keep_alive = false;  // the connection may carry another message
  bool upgrade = false;     // 101 with Upgrade: the rest of the bytes are not HTTP
  bool operator==(const Head&) const = default;
};

// Status codes after which a redirect with Location is followed.
bool is_redirect_status(int status);
// The Location of a redirect response, or nullopt when not a redirect.
std::optional<std::string> redirect_location(const Head& head);
// Retry-After in seconds, delta-seconds form only, capped at 24 h. The h1
// binding uses http::retry_after_ms (runtime/proto/http/http_date.h), which
// also takes the HTTP-date form, measured against the response's Date.
std::optional<std::uint32_t> retry_after_seconds(const Head& head);

// Validates and writes a request head ("METHOD target HTTP/1.1\r\n" Host,
// headers, framing header, "\r\n"). Names must be tokens; values and the
// target must not hold CR, LF or NUL (no header injection from metadata).
Result<std::string> serialize_request(const Request& request);

// Writes a response head for servers (sim peers). No validation: peers may
// misbehave on purpose.
std::string serialize_response_head(int status, std::string_view reason, const Headers& headers);

// Chunked transfer coding of one piece of body ("" for an empty piece:
// an empty chunk would end the body) and the last chunk.
std::string encode_chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// application/x-www-form-urlencoded encoding of one name or value.
std::string form_urlencode(std::string_view text);

// multipart/form-data framing of one part (http_multipart_name /
// http_multipart_filename / http_mime_content_type). The boundary is chosen
// by the caller (from ss::Rng, so runs replay) and shared by the parts of
// one body.
struct Multipart {
  std::string boundary;
  std::string name;
  std::string filename;
  std::string content_type;
  std::string content_type_header() const;  // value for Content-Type
  std::string preamble() const;             // before the first part's bytes
  // Between the bytes of the part before and this part's (a rideshare
  // part, docs/protocols.md "Rideshare"): ends that part, opens this one.
  std::string next_preamble() const { return "\r\n" + preamble(); }
  std::string epilogue() const;             // after the last part's bytes
};

}  // namespace ss::proto::h1
