// ConnectionPool: idle, reusable connections (HTTP/1.1 keep-alive).
//
// Why: an h1 transaction that ends on a connection the server keeps open
// leaves a warm TCP (and TLS) connection behind. The next attempt to the
// same place — the same stream asking again, another stream, a followed
// redirect — takes it instead of paying for a new handshake. The stream's
// own states do not change: every transaction still goes CONNECTING ->
// CONNECTED -> ACK/NACK -> DISCONNECTED; only the wire is shared.
//
// How: every engine connection is made with a Relay as its handler. The
// relay forwards events to whoever owns the connection now (an Attempt, or
// the pool while idle), so ownership can move without touching the Net.
//
// Rules
//   - Keys say what must match for reuse: endpoint, TLS or not, and the
//     TLS identity (server name, trust, ALPN). Callers build them.
//   - An idle connection is closed after `idle_timeout` (lws's default
//     keep-alive timeout is 5 s), when the peer sends anything (an HTTP
//     server has nothing to say between transactions, except a 408 before
//     it closes), or when the peer closes it.
//   - At most kMaxIdlePerKey per key and kMaxIdle in all; beyond that the
//     oldest idle connection is closed. Order is deterministic (std::map,
//     first in first out).
//   - Destroying the pool closes every idle connection silently.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/stream/relay.h"

namespace ss::stream {

class ConnectionPool {
 public:
  static constexpr std::size_t kMaxIdlePerKey = 4;
  static constexpr std::size_t kMaxIdle = 64;
  static constexpr Micros kDefaultIdleTimeout = seconds(5);

  explicit ConnectionPool(Loop& loop, Micros idle_timeout = kDefaultIdleTimeout);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Keeps `link` idle under `key`. The relay's target becomes the pool.
  void park(const std::string& key, Link link);
  // The most recently parked idle connection under `key` (the least likely
  // to be stale), if any; its relay target is cleared (the caller sets its
  // own).
  std::optional<Link> take(const std::string& key);

  std::size_t idle_count() const { return total_; }
  // Closes every idle connection.
  void clear();

 private:
  struct Idle;
  void drop(Idle* idle);          // close and forget (posted, never inline)
  void erase(const std::string& key, std::uint64_t seq);
  void evict_oldest();
  void arm_sweep();
  void sweep();

  Loop& loop_;
  Micros idle_timeout_;
  std::map<std::string, std::deque<std::unique_ptr<Idle>>> idle_;
  std::size_t total_ = 0;
  std::uint64_t next_seq_ = 0;
  TimerId sweep_;  // due when the oldest idle connection times out
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ss::stream
