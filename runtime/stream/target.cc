#include "runtime/stream/target.h"

#include <utility>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"

namespace ss::stream {

std::optional<UrlParts> parse_url(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  UrlParts u;
  u.scheme = std::string(text.substr(0, sep));
  std::string_view rest = text.substr(sep + 3);
  auto slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
  std::size_t colon = std::string_view::npos;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return std::nullopt;
      colon = close + 1;
    }
  } else {
    colon = hostport.rfind(':');
  }
  if (colon != std::string_view::npos) {
    std::uint32_t port = 0;
    std::string_view digits = hostport.substr(colon + 1);
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (port > 65535) return std::nullopt;
    u.port = static_cast<std::uint16_t>(port);
    hostport = hostport.substr(0, colon);
  }
  u.host = std::string(hostport);
  return u;
}

Result<Target> policy_target(const policy::Streamtype& st, const Metadata& md) {
  auto expanded = md.expand(st.endpoint);
  if (!expanded) return make_error(ErrorCode::kInvalidArgument, "endpoint: " + expanded.error().message());
  Target t;
  t.tls = st.tls;
  std::uint16_t port = st.port;
  std::string host_text = *expanded;
  if (auto url = parse_url(host_text)) {
    host_text = url->host;
    if (url->port) port = *url->port;
    t.url_path = url->path;
    if (url->scheme == "http" || url->scheme == "ws" || url->scheme == "mqtt") t.tls = false;
    if (url->scheme == "https" || url->scheme == "wss" || url->scheme == "mqtts") t.tls = true;
  }
  auto ep = parse_endpoint(host_text, port);
  if (!ep) return make_error(ErrorCode::kInvalidArgument, "endpoint " + quote_text(host_text) + ": " + ep.error().message());
  t.ep = std::move(*ep);
  return t;
}

Result<Target> redirect_target(const Target& from, std::string_view location, int hops) {
  if (hops >= kMaxRedirects) {
    return make_error(ErrorCode::kLimit, "more than " + std::to_string(kMaxRedirects) + " redirects");
  }
  if (!location.empty() && location.front() == '/' && (location.size() < 2 || location[1] != '/')) {
    Target t = from;
    t.url_path = std::string(location);
    return t;
  }
  auto url = parse_url(location);
  if (!url || url->host.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "redirect to " + quote_text(location) + ": not an absolute URL");
  }
  Target t;
  if (url->scheme == "https") {
    t.tls = true;
  } else if (url->scheme == "http") {
    if (from.tls) {
      return make_error(ErrorCode::kInvalidArgument, "redirect to " + quote_text(location) + " would leave TLS");
    }
    t.tls = false;
  } else {
    return make_error(ErrorCode::kUnsupported, "redirect to scheme " + quote_text(url->scheme));
  }
  t.url_path = url->path.empty() ? "/" : url->path;
  auto ep = parse_endpoint(url->host, url->port.value_or(t.tls ? 443 : 80));
  if (!ep) return make_error(ErrorCode::kInvalidArgument, "redirect host " + quote_text(url->host) + ": " + ep.error().message());
  t.ep = std::move(*ep);
  return t;
}

bool same_origin(const Target& a, const Target& b) {
  return a.tls == b.tls && a.ep.host == b.ep.host && a.ep.port == b.ep.port && a.ep.kind == b.ep.kind;
}

std::string pool_key(const Target& t, const policy::Streamtype& st, std::span<const std::string> alpn) {
  return pool_key(t.ep, t.tls, st, alpn);
}

std::string pool_key(const Endpoint& ep, bool tls, const policy::Streamtype& st, std::span<const std::string> alpn) {
  // planted: the key forgets the host (a different server's idle connection is reused)
  std::string key = (SS_PLANTED("pool-key-host") ? std::to_string(ep.port) : to_string(ep)) + "|p" + std::to_string(static_cast<int>(st.protocol));
  if (tls) {
    key += "|tls|" + ep.host + "|ts" +
           (st.trust_store ? std::to_string(*st.trust_store) : std::string("system")) + "|cc" +
           std::to_string(st.client_cert);
    for (const auto& a : alpn) key += "|" + a;
  }
  return key;
}

bool idempotent_method(std::string_view m) {
  return m.empty() || m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" || m == "PUT" ||
         m == "DELETE";
}

}  // namespace ss::stream
