// AresResolver: asynchronous DNS for PosixNet, on c-ares driven by EpollLoop.
//
// c-ares owns its UDP/TCP sockets; its socket-state callback tells us which
// fds to watch, we feed readiness back with ares_process_fd(), and one loop
// timer follows ares_timeout() for retransmits. The loop never blocks on DNS.
//
// Results are always delivered through Loop::post (c-ares may answer from
// /etc/hosts inside ares_getaddrinfo itself, which would otherwise be an
// inline callback). Names under ".invalid" fail with kNotFound without a
// query (RFC 6761 §6.4: resolvers treat them as NXDOMAIN), which also makes
// the NXDOMAIN path testable without a DNS server.
#pragma once

#include <ares.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/core/net.h"
#include "runtime/posix/epoll_loop.h"

namespace ss::posix {

struct ResolverOptions {
  // Per-try timeout and tries; c-ares retransmits and rotates servers.
  Micros timeout = seconds(2);
  int tries = 2;
  // "host:port,..." overriding /etc/resolv.conf (tests pointing at a local
  // DNS server); empty = system configuration.
  std::string servers;
};

class AresResolver {
 public:
  // c-ares starts at the first name that needs a query (not for IP
  // literals or .invalid); if it cannot (no memory, bad `servers`), that
  // query and every later one fail with kIo. A bad resolv.conf is not an
  // error to c-ares.
  AresResolver(EpollLoop& loop, const ResolverOptions& options);
  ~AresResolver();  // pending callbacks are dropped, never run
  AresResolver(const AresResolver&) = delete;
  AresResolver& operator=(const AresResolver&) = delete;

  ResolveId resolve(std::string_view name, ResolveCallback done);
  bool cancel(ResolveId id);

 private:
  struct Query;
  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable);
  static void on_result(void* arg, int status, int timeouts, ares_addrinfo* result);
  void deliver(std::uint64_t id, Result<std::vector<std::string>> result);
  void rearm_timer();
  // Makes the c-ares channel on first use; false (init_error_ says why)
  // when it cannot be made.
  bool ensure_channel();

  EpollLoop& loop_;
  const ResolverOptions options_;
  ares_channel channel_ = nullptr;
  bool library_ = false;  // ares_library_init ran: cleanup is owed
  std::string init_error_;
  bool destroying_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, ResolveCallback> pending_;
  TimerId timer_;
  // Posted deliveries hold a weak_ptr to this: they may outlive the resolver.
  std::shared_ptr<int> life_ = std::make_shared<int>(0);
};

}  // namespace ss::posix
