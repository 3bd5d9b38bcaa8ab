// CookieJar: the in-memory cookie store behind `http_cookies`
// (docs/secure-streams.md §1.4), a subset of RFC 6265 §5.
//
// Contract:
//  - store() takes one Set-Cookie header value received from
//    request_host/request_path, and stores, replaces or deletes a cookie;
//    header_for() gives the Cookie header value for a request ("" if none).
//  - Hosts are names or IP literals without a port, compared
//    case-insensitively; paths are request targets (a query is ignored).
//  - Time is an input (seconds since the Unix epoch, e.g. from the server's
//    Date header or loop time); the jar never reads a clock. A cookie whose
//    expiry time is <= now_s is expired: never sent, evicted first.
//  - Deterministic: cookies live in a vector; order depends only on input.
//  - Untrusted input never crashes; a Set-Cookie value the jar cannot use
//    is ignored (RFC 6265 says ignore, not fail), and store() returns why
//    for logs and tests.
//
// Supported (RFC 6265 §5.2/5.3/5.4):
//  - name=value (trimmed; a pair without '=' or with an empty name is
//    ignored, and so is a name or value holding control characters, which
//    keeps CR/LF out of the Cookie header);
//  - Domain: leading dot ignored, case-insensitive; without it the cookie is
//    host-only (sent to exactly that host); with it the request host must
//    domain-match it or the cookie is ignored. An IP-address host only
//    domain-matches itself. No public-suffix list: Domain=com from a.com is
//    accepted (a known gap, documented);
//  - Path: default-path rule when missing or not starting with '/';
//    path-match on send;
//  - Secure: sent only when `secure`; not stored from a non-secure origin
//    (RFC 6265bis §5.7 step 14), and a non-secure origin cannot overwrite,
//    delete or shadow a Secure cookie of the same name (step 16);
//  - HttpOnly: accepted and ignored (no scripts here);
//  - Max-Age (wins over Expires; <= 0 deletes), Expires (the RFC 6265
//    cookie-date, parse_cookie_date in http_date.h, which takes every
//    HTTP-date and "Thu, 01-Jan-1970 00:00:01 GMT"; a date <= now deletes;
//    an unparsable one is ignored). Without either, a session cookie
//    that lives as long as the jar.
//  - Replacing a cookie with the same (name, domain, path) keeps its
//    creation order. Cookie header order: longer paths first, then earlier
//    creation.
//
// Limits: kMaxCookies (50) per jar: when a 51st is stored, expired cookies
// go first, then the oldest by creation order. A Set-Cookie value longer than
// kMaxSetCookieBytes (4096) is ignored. Other unknown attributes (SameSite,
// Priority, ...) are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ss::proto::http {

class CookieJar {
 public:
  static constexpr std::size_t kMaxCookies = 50;
  static constexpr std::size_t kMaxSetCookieBytes = 4096;

  // What store() did with a Set-Cookie value.
  enum class StoreResult {
    kStored,           // new cookie
    kReplaced,         // same (name, domain, path) existed; creation order kept
    kDeleted,          // expired on arrival: removed any existing one
    kIgnoredTooLong,   // value > kMaxSetCookieBytes
    kIgnoredSyntax,    // no '=', empty name, control characters
    kIgnoredDomain,    // Domain does not domain-match the request host
    kIgnoredInsecure,  // Secure cookie from, or one shadowed by, a non-secure origin
  };

  StoreResult store(std::string_view request_host, std::string_view request_path, bool secure_origin,
                    std::string_view set_cookie_value, std::int64_t now_s);

  std::string header_for(std::string_view host, std::string_view path, bool secure,
                         std::int64_t now_s) const;

  std::size_t size() const { return cookies_.size(); }
  void clear() { cookies_.clear(); }

 private:
  struct Cookie {
    std::string name;
    std::string value;
    std::string domain;  // lower case, no leading dot
    std::string path;
    std::optional<std::int64_t> expiry_s;  // nullopt: session cookie
    bool host_only = true;
    bool secure = false;
    std::uint64_t creation = 0;  // monotonic counter: creation order
  };
  void evict_one(std::int64_t now_s);

  std::vector<Cookie> cookies_;
  std::uint64_t next_creation_ = 0;
};

// RFC 6265 §5.1.3 / §5.1.4, exposed for tests. Inputs are as received;
// domain_match lower-cases both sides.
bool domain_match(std::string_view host, std::string_view domain);
bool path_match(std::string_view request_path, std::string_view cookie_path);
std::string default_path(std::string_view request_path);

}  // namespace ss::proto::http
