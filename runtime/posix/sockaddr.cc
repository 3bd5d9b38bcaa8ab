#include "runtime/posix/sockaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace ss::posix {

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  in_addr a4;
  in6_addr a6;
  return inet_pton(AF_INET, h.c_str(), &a4) == 1 || inet_pton(AF_INET6, h.c_str(), &a6) == 1;
}

Result<SockAddr> ip_sockaddr(std::string_view ip, std::uint16_t port) {
  std::string h(ip);
  SockAddr out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.length = sizeof(sockaddr_in);
    return out;
  }
  out = SockAddr{};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  return make_error(ErrorCode::kInvalidArgument, "host \"" + h + "\" is not an IP literal");
}

Result<SockAddr> unix_sockaddr(const Endpoint& endpoint) {
  SockAddr out;
  auto* un = reinterpret_cast<sockaddr_un*>(&out.storage);
  un->sun_family = AF_UNIX;
  const std::string& name = endpoint.path;
  if (endpoint.kind == Endpoint::Kind::kUnixPath) {
    if (name.empty() || name.size() >= sizeof(un->sun_path)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "unix path must be 1.." + std::to_string(sizeof(un->sun_path) - 1) +
                            " bytes, got " + std::to_string(name.size()));
    }
    std::memcpy(un->sun_path, name.data(), name.size());
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
    return out;
  }
  if (endpoint.kind == Endpoint::Kind::kUnixAbstract) {
    // Abstract names start with a NUL and are not NUL-terminated.
    if (name.size() + 1 > sizeof(un->sun_path)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "abstract socket name must be at most " +
                            std::to_string(sizeof(un->sun_path) - 1) + " bytes");
    }
    std::memcpy(un->sun_path + 1, name.data(), name.size());
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    return out;
  }
  return make_error(ErrorCode::kInvalidArgument, "not a unix endpoint");
}

Endpoint to_endpoint(const SockAddr& addr) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr.storage);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return Endpoint::tcp(text, ntohs(v4->sin_port));
  }
  if (addr.family() == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr.storage);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    return Endpoint::tcp(text, ntohs(v6->sin6_port));
  }
  if (addr.family() == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&addr.storage);
    const std::size_t base = offsetof(sockaddr_un, sun_path);
    if (addr.length <= base) return Endpoint::unix_path("");  // unnamed peer
    std::size_t n = addr.length - base;
    if (un->sun_path[0] == '\0') return Endpoint::unix_abstract(std::string(un->sun_path + 1, n - 1));
    return Endpoint::unix_path(std::string(un->sun_path, strnlen(un->sun_path, n)));
  }
  return Endpoint{};
}

EndReason end_reason_for_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
    case ENOENT:  // unix path with nothing bound
      return EndReason::kRefused;
    case ETIMEDOUT:
      return EndReason::kTimedOut;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:
      return EndReason::kUnreachable;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
    default:
      return EndReason::kReset;
  }
}

}  // namespace ss::posix
