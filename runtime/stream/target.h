// Target: where one connection attempt of a stream goes, and what decides
// it — the streamtype's endpoint (with ${metadata} and an optional
// scheme://host:port/path override, docs/secure-streams.md §2.8), a
// followed redirect's Location, and the key under which an idle connection
// to it may be reused (ConnectionPool).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/endpoint.h"
#include "runtime/core/result.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/metadata.h"

namespace ss::stream {

struct Target {
  Endpoint ep;
  bool tls = false;
  std::string url_path;  // path override ("" = the policy's http_url)
  friend bool operator==(const Target&, const Target&) = default;
};

// "scheme://host[:port][/path]"; nullopt when `text` is not of that form.
struct UrlParts {
  std::string scheme, host, path;
  std::optional<std::uint16_t> port;
};
std::optional<UrlParts> parse_url(std::string_view text);

// The streamtype's endpoint after ${md} expansion; a URL's scheme decides
// TLS ("http"/"ws"/"mqtt" off, "https"/"wss"/"mqtts" on).
Result<Target> policy_target(const policy::Streamtype& st, const Metadata& md);

// Redirects followed per connect before the stream gives up.
inline constexpr int kMaxRedirects = 4;

// Where a redirect's Location leads from `from`, the `hops`-th redirect
// already followed: "/path" stays on the same origin;
// "http[s]://host[:port]/path" may go anywhere except from TLS to plaintext
// (a downgrade would hand the request to anyone on the path).
Result<Target> redirect_target(const Target& from, std::string_view location, int hops);

// Same scheme security, host, port and endpoint kind.
bool same_origin(const Target& a, const Target& b);

// What must match for an idle connection to be reused (ConnectionPool):
// endpoint and protocol; with TLS also the SNI host, trust store, client
// certificate and ALPN list.
std::string pool_key(const Target& t, const policy::Streamtype& st, std::span<const std::string> alpn);
std::string pool_key(const Endpoint& ep, bool tls, const policy::Streamtype& st, std::span<const std::string> alpn);

// RFC 9110 §9.2.2: a request that may be sent again without a second
// effect (the silent resend after a dead pooled connection needs it).
// "" is GET.
bool idempotent_method(std::string_view method);

}  // namespace ss::stream
