// Endpoint: where a stream connection goes or a listener binds.
//
// Three kinds, spelled the way Secure Streams policies spell them:
//   "host" + port        TCP (a DNS name, an IPv4 literal, or an IPv6 literal)
//   "+/path/to/socket"   unix domain socket at a filesystem path
//   "+@name"             Linux abstract unix socket "name"
// parse_endpoint() turns a policy-style string (plus the policy's port) into
// one; to_string() gives it back in that same spelling.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/result.h"

namespace ss {

struct Endpoint {
  enum class Kind { kTcp, kUnixPath, kUnixAbstract };

  Kind kind = Kind::kTcp;
  std::string host;         // kTcp: name or IP literal (IPv6 without brackets)
  std::uint16_t port = 0;   // kTcp only
  std::string path;         // kUnixPath: filesystem path; kUnixAbstract: name without '@'

  static Endpoint tcp(std::string host, std::uint16_t port) {
    Endpoint e;
    e.kind = Kind::kTcp;
    e.host = std::move(host);
    e.port = port;
    return e;
  }
  static Endpoint unix_path(std::string path) {
    Endpoint e;
    e.kind = Kind::kUnixPath;
    e.path = std::move(path);
    return e;
  }
  static Endpoint unix_abstract(std::string name) {
    Endpoint e;
    e.kind = Kind::kUnixAbstract;
    e.path = std::move(name);
    return e;
  }

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

// "+@name" -> abstract, "+path" -> unix path, otherwise TCP host with `port`.
// "[::1]" brackets are stripped. Errors name what was wrong with the text.
Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t port);

// Policy spelling: "host:port", "[v6]:port", "+/path", "+@name".
std::string to_string(const Endpoint& endpoint);

}  // namespace ss
