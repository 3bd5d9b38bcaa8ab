// Socket address helpers for PosixNet: Endpoint <-> sockaddr, errno ->
// EndReason.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "runtime/core/endpoint.h"
#include "runtime/core/net.h"
#include "runtime/core/result.h"

namespace ss::posix {

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

// True if `host` is an IPv4 or IPv6 literal (IPv6 without brackets).
bool is_ip_literal(std::string_view host);

// IP literal + port -> sockaddr. kInvalidArgument if not a literal.
Result<SockAddr> ip_sockaddr(std::string_view ip, std::uint16_t port);

// Unix path or abstract endpoint -> sockaddr. Paths longer than sun_path
// (107 bytes + NUL) are kInvalidArgument.
Result<SockAddr> unix_sockaddr(const Endpoint& endpoint);

// The Endpoint of a bound/peer sockaddr (IPs as literals).
Endpoint to_endpoint(const SockAddr& addr);

// errno of a failed connect/read/write -> why the connection ended.
EndReason end_reason_for_errno(int err);

}  // namespace ss::posix
