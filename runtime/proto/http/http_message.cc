#include "runtime/proto/http/http_message.h"

#include <cstdio>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"

namespace ss::proto::h1 {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 9110 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// Rejects bytes that would end a line or confuse parsers downstream.
bool is_safe_text(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

bool is_redirect_status(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::optional<std::string> redirect_location(const Head& head) {
  if (!is_redirect_status(head.status)) return std::nullopt;
  auto loc = find_header(head.headers, "location");
  if (!loc || loc->empty()) return std::nullopt;
  return std::string(*loc);
}

std::optional<std::uint32_t> retry_after_seconds(const Head& head) {
  auto v = find_header(head.headers, "retry-after");
  if (!v) return std::nullopt;
  std::string_view s = *v;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  constexpr std::uint64_t kCap = 24 * 3600;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;  // HTTP-date form: ignored
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (n > kCap) n = kCap;
  }
  return static_cast<std::uint32_t>(n);
}

Result<std::string> serialize_request(const Request& r) {
  if (!is_token(r.method))
    return make_error(ErrorCode::kInvalidArgument, "h1 request: method " + quote_text(r.method) + " is not a token");
  if (r.target.empty() || r.target.front() != '/' || !is_safe_text(r.target) ||
      r.target.find(' ') != std::string::npos)
    return make_error(ErrorCode::kInvalidArgument,
                      "h1 request: target must start with '/' and hold no space, CR, LF or NUL");
  if (r.host.empty() || !is_safe_text(r.host) || r.host.find(' ') != std::string::npos)
    return make_error(ErrorCode::kInvalidArgument, "h1 request: Host must be non-empty, without space, CR, LF or NUL");
  std::string out;
  out.reserve(128 + r.headers.size() * 32);
  out += r.method;
  out += ' ';
  out += r.target;
  out += " HTTP/1.1\r\nHost: ";
  out += r.host;
  out += "\r\n";
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    const auto& h = r.headers[i];
    if (!is_token(h.name))
      return make_error(ErrorCode::kInvalidArgument,
                        "h1 request: header " + std::to_string(i) + " name " + quote_text(h.name) + " is not a token");
    if (!is_safe_text(h.value))
      return make_error(ErrorCode::kInvalidArgument,
                        "h1 request: header " + quote_text(h.name) + " value holds CR, LF or NUL");
    if (iequals(h.name, "host") || iequals(h.name, "content-length") ||
        iequals(h.name, "transfer-encoding"))
      return make_error(ErrorCode::kInvalidArgument,
                        "h1 request: header " + quote_text(h.name) + " is set by the core, not by the caller");
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  switch (r.framing) {
    case BodyFraming::kNone:
    case BodyFraming::kUntilClose:
      break;
    case BodyFraming::kContentLength:
      out += "Content-Length: " + std::to_string(r.content_length) + "\r\n";
      break;
    case BodyFraming::kChunked:
      out += "Transfer-Encoding: chunked\r\n";
      break;
  }
  out += "\r\n";
  if (out.size() > kMaxHeaderBytes)
    return make_error(ErrorCode::kLimit, "h1 request: head is " + std::to_string(out.size()) +
                                             " bytes, limit " + std::to_string(kMaxHeaderBytes));
  return out;
}

std::string serialize_response_head(int status, std::string_view reason, const Headers& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += reason;
  out += "\r\n";
  for (const auto& h : headers) out += h.name + ": " + h.value + "\r\n";
  out += "\r\n";
  return out;
}

std::string encode_chunk(std::string_view data) {
  if (data.empty()) return {};
  char size[32];
  // planted: a chunk over 16 bytes announced one byte short
  const std::size_t announced = data.size() - (SS_PLANTED("h1-chunk-size") && data.size() > 16 ? 1 : 0);
  std::snprintf(size, sizeof size, "%zx\r\n", announced);
  std::string out(size);
  out += data;
  out += "\r\n";
  return out;
}

std::string form_urlencode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Multipart::content_type_header() const {
  return "multipart/form-data; boundary=" + boundary;
}

namespace {
// A quoted name/filename as HTML forms encode it: '"', CR and LF escaped,
// so a policy value cannot break out of the part header.
std::string quoted_param(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}
// A header value with CR/LF (and NUL) dropped.
std::string header_safe(std::string_view v) {
  std::string out;
  for (char c : v)
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  return out;
}
}  // namespace

std::string Multipart::preamble() const {
  std::string out = "--" + boundary + "\r\nContent-Disposition: form-data";
  if (!name.empty()) out += "; name=\"" + quoted_param(name) + "\"";
  if (!filename.empty()) out += "; filename=\"" + quoted_param(filename) + "\"";
  out += "\r\n";
  if (!content_type.empty()) out += "Content-Type: " + header_safe(content_type) + "\r\n";
  out += "\r\n";
  return out;
}

std::string Multipart::epilogue() const { return "\r\n--" + boundary + "--\r\n"; }

}  // namespace ss::proto::h1
