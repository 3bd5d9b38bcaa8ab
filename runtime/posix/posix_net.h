// PosixNet: the production ss::Net, on non-blocking sockets, EpollLoop and
// c-ares.
//
// What it supports
//   - TCP to IPv4/IPv6 literals or DNS names (c-ares, AF_UNSPEC; addresses
//     are tried in the resolver's order until one connects), unix path and
//     Linux abstract ("@name") sockets; listeners on all three (TCP port 0
//     reports the real port through Listener::local()).
//   - The whole net.h contract: callbacks never inline, on_end last and at
//     most once, nothing after close(), write watermarks, half-close.
//   - errno -> EndReason: ECONNREFUSED (and ENOENT for a unix path, EAGAIN
//     for a full unix backlog) -> kRefused, ECONNRESET/EPIPE -> kReset, ETIMEDOUT -> kTimedOut,
//     ENETUNREACH/EHOSTUNREACH -> kUnreachable, EOF -> kClosedByPeer; a
//     resolver failure -> kDnsFailure; ConnectOptions::connect_timeout
//     (covering DNS and connect) -> kTimedOut.
//
// Lifetimes: the EpollLoop outlives the PosixNet, and the PosixNet outlives
// every Connection and Listener it made.
//
// Limits: reads are taken in chunks of NetOptions::read_chunk, at most
// max_reads_per_event per readiness event (fairness between connections:
// 1 MiB per connection and event by default). The chunk is large so that a
// bulk download costs few recv(2) calls; it is one buffer for all
// connections, and its pages are touched only as far as reads fill it.
// The send queue itself is bounded only by the caller honouring write()'s
// false (the contract copies every byte).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "runtime/posix/connection.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/resolver.h"

namespace ss::posix {

struct NetOptions {
  ResolverOptions dns;
  int listen_backlog = 128;
  std::size_t read_chunk = 256 * 1024;
  int max_reads_per_event = 4;
};

class PosixNet final : public Net {
 public:
  explicit PosixNet(EpollLoop& loop, NetOptions options = {});
  ~PosixNet() override;

  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override;
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) override;
  ResolveId resolve(std::string_view name, ResolveCallback done) override;
  bool cancel_resolve(ResolveId id) override;

  EpollLoop& loop() { return loop_; }

 private:
  EpollLoop& loop_;
  NetOptions options_;
  AresResolver resolver_;
  std::uint64_t next_conn_id_ = 1;
  std::unique_ptr<std::uint8_t[]> read_buffer_;  // one for all connections; left uninitialized
  SocketConn::Env conn_env_;               // shared by all connections (they keep a reference)
};

// Production randomness: a seed from getrandom(2). The runtime itself only
// ever uses an ss::Rng it is handed; posix is the one place a seed comes
// from the OS (the simulator seeds from the run's seed instead).
std::uint64_t os_random_seed();
inline Rng make_os_rng() { return Rng(os_random_seed()); }

}  // namespace ss::posix
