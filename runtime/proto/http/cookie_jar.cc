#include "runtime/proto/http/cookie_jar.h"

#include <algorithm>
#include <limits>

#include "runtime/proto/http/http_date.h"

namespace ss::proto::http {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

// RFC 6265bis §5.6 step 7: no CTLs other than HTAB in a name or value.
bool has_ctl(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}

bool is_ip_address(std::string_view host) {
  if (host.find(':') != std::string_view::npos || host.find('[') != std::string_view::npos) return true;
  if (host.empty()) return false;
  for (char c : host)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  return true;
}

// The path part of a request target: no query or fragment.
std::string_view uri_path(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.find('#')));
}

bool expired(const std::optional<std::int64_t>& expiry, std::int64_t now_s) {
  return expiry && *expiry <= now_s;
}

// Max-Age value (RFC 6265 §5.2.2): "-"? DIGIT+, else nullopt (ignored).
std::optional<std::int64_t> parse_max_age(std::string_view v) {
  bool neg = !v.empty() && v.front() == '-';
  if (neg) v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  constexpr std::int64_t kSat = std::int64_t{1} << 40;  // ~35,000 years: far enough
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min(kSat, n * 10 + (c - '0'));
  }
  return neg ? -n : n;
}

}  // namespace

bool domain_match(std::string_view host_in, std::string_view domain_in) {
  std::string host = lower(host_in), domain = lower(domain_in);
  if (host == domain) return true;
  if (domain.empty() || host.size() <= domain.size() || is_ip_address(host)) return false;
  return host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         host[host.size() - domain.size() - 1] == '.';
}

std::string default_path(std::string_view request_path) {
  std::string_view p = uri_path(request_path);
  if (p.empty() || p.front() != '/') return "/";
  std::size_t last = p.rfind('/');
  if (last == 0) return "/";
  return std::string(p.substr(0, last));
}

bool path_match(std::string_view request_path, std::string_view cookie_path) {
  std::string_view p = uri_path(request_path);
  if (p.empty() || p.front() != '/') p = "/";
  if (p == cookie_path) return true;
  if (cookie_path.empty() || p.substr(0, cookie_path.size()) != cookie_path) return false;
  return cookie_path.back() == '/' || p[cookie_path.size()] == '/';
}

CookieJar::StoreResult CookieJar::store(std::string_view request_host, std::string_view request_path,
                                        bool secure_origin, std::string_view set_cookie_value,
                                        std::int64_t now_s) {
  if (set_cookie_value.size() > kMaxSetCookieBytes) return StoreResult::kIgnoredTooLong;

  // RFC 6265 §5.2 steps 1-5: the name-value pair is everything before the first ';'.
  std::size_t semi = set_cookie_value.find(';');
  std::string_view pair = set_cookie_value.substr(0, semi);
  std::string_view rest = semi == std::string_view::npos ? std::string_view{} : set_cookie_value.substr(semi);
  std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return StoreResult::kIgnoredSyntax;
  std::string_view name = trim(pair.substr(0, eq)), value = trim(pair.substr(eq + 1));
  if (name.empty() || has_ctl(name) || has_ctl(value)) return StoreResult::kIgnoredSyntax;

  // RFC 6265 §5.2 step 6: attributes; the last of each kind wins.
  std::optional<std::int64_t> max_age, expires;
  std::optional<std::string> domain_attr, path_attr;
  bool secure = false;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ';'
    std::size_t next = rest.find(';');
    std::string_view av = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next);
    std::size_t aeq = av.find('=');
    std::string_view an = trim(av.substr(0, aeq));
    std::string_view avv = aeq == std::string_view::npos ? std::string_view{} : trim(av.substr(aeq + 1));
    if (iequals(an, "expires")) {
      if (auto t = parse_cookie_date(avv)) expires = t;
    } else if (iequals(an, "max-age")) {
      if (auto d = parse_max_age(avv)) max_age = d;
    } else if (iequals(an, "domain")) {
      if (!avv.empty()) {
        if (avv.front() == '.') avv.remove_prefix(1);
        domain_attr = lower(avv);
      }
    } else if (iequals(an, "path")) {
      path_attr = (avv.empty() || avv.front() != '/') ? std::nullopt : std::optional<std::string>(avv);
    } else if (iequals(an, "secure")) {
      secure = true;
    }  // HttpOnly and anything else: accepted, no effect here
  }

  // RFC 6265 §5.3: build the cookie.
  Cookie c;
  c.name = std::string(name);
  c.value = std::string(value);
  std::string host = lower(request_host);
  if (domain_attr && !domain_attr->empty()) {
    if (!domain_match(host, *domain_attr)) return StoreResult::kIgnoredDomain;
    c.host_only = false;
    c.domain = *domain_attr;
  } else {
    c.domain = host;
  }
  c.path = path_attr ? *path_attr : default_path(request_path);
  c.secure = secure;
  if (secure && !secure_origin) return StoreResult::kIgnoredInsecure;
  if (max_age) {
    // Max-Age <= 0 means "the earliest representable time": expired now.
    c.expiry_s = *max_age <= 0 ? std::numeric_limits<std::int64_t>::min()
                               : (now_s > std::numeric_limits<std::int64_t>::max() - *max_age
                                      ? std::numeric_limits<std::int64_t>::max()
                                      : now_s + *max_age);
  } else if (expires) {
    c.expiry_s = expires;
  }

  // RFC 6265bis §5.7 step 16: a plain origin may not shadow or overwrite a
  // Secure cookie of the same name.
  if (!secure_origin && std::any_of(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
        return o.secure && o.name == c.name &&
               (domain_match(o.domain, c.domain) || domain_match(c.domain, o.domain)) && path_match(c.path, o.path);
      }))
    return StoreResult::kIgnoredInsecure;

  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (expired(c.expiry_s, now_s)) {
    if (same != cookies_.end()) cookies_.erase(same);
    return StoreResult::kDeleted;
  }
  if (same != cookies_.end()) {
    c.creation = same->creation;
    *same = std::move(c);
    return StoreResult::kReplaced;
  }
  if (cookies_.size() >= kMaxCookies) evict_one(now_s);
  c.creation = next_creation_++;
  cookies_.push_back(std::move(c));
  return StoreResult::kStored;
}

void CookieJar::evict_one(std::int64_t now_s) {
  // Expired cookies first (all of them), else the oldest by creation order
  // (the vector is in creation order: replacements keep their slot).
  auto before = cookies_.size();
  std::erase_if(cookies_, [&](const Cookie& c) { return expired(c.expiry_s, now_s); });
  if (cookies_.size() == before && !cookies_.empty()) cookies_.erase(cookies_.begin());
}

std::string CookieJar::header_for(std::string_view host_in, std::string_view path, bool secure,
                                  std::int64_t now_s) const {
  std::string host = lower(host_in);
  std::vector<const Cookie*> send;
  for (const Cookie& c : cookies_) {
    if (expired(c.expiry_s, now_s)) continue;
    if (c.host_only ? host != c.domain : !domain_match(host, c.domain)) continue;
    if (!path_match(path, c.path)) continue;
    if (c.secure && !secure) continue;
    send.push_back(&c);
  }
  std::stable_sort(send.begin(), send.end(), [](const Cookie* a, const Cookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->creation < b->creation;
  });
  std::string out;
  for (const Cookie* c : send) {
    if (!out.empty()) out += "; ";
    out += c->name;
    out += '=';
    out += c->value;
  }
  return out;
}

}  // namespace ss::proto::http
