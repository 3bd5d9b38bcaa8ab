// ProxyServer: the SS proxy over the Net and Loop seams.
//
// Listens on an endpoint (by default the abstract unix socket
// "@proxy.ss.lws", as libwebsockets does), and for every accepted client
// link runs a ProxyLink (link.h) and one onward stream made by an
// OnwardFactory. Runs unchanged on the posix backend and in the simulator.
//
// Isolation: a client that misbehaves (bad frames, no STREAMTYPE in time,
// more payload than its buffer, too slow to read what it asked for) has its
// link closed and its onward stream destroyed, with the reason logged and
// counted; every other link goes on untouched.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/proxy/link.h"
#include "runtime/proxy/onward.h"

namespace ss::proxy {

struct ProxyServerOptions {
  Endpoint listen = Endpoint::unix_abstract("proxy.ss.lws");
  LinkLimits link_limits;
  std::size_t max_links = 1024;              // further clients are refused (closed)
  std::size_t client_out_buffer_max = 1 << 20;  // a client that reads slower is dropped
  // Called once per closed link with its reason (logs, traces).
  std::function<void(std::uint64_t link_id, const std::string& reason)> on_link_closed;
};

struct ProxyStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused_over_limit = 0;
  std::uint64_t closed = 0;
  std::uint64_t dropped_misbehaving = 0;  // closed for a client error
  std::size_t open = 0;
};

class ProxyServer {
 public:
  ProxyServer(Loop& loop, Net& net, OnwardFactory& onward, ProxyServerOptions options = {});
  ~ProxyServer();

  // Binds and listens; errors (address in use, ...) come back here.
  Error start();
  // The bound endpoint (with the real port for TCP port 0).
  Endpoint local() const;
  const ProxyStats& stats() const { return stats_; }

 private:
  class Link;
  void accept(std::unique_ptr<Connection> conn);
  void reap(std::uint64_t id);

  Loop& loop_;
  Net& net_;
  OnwardFactory& onward_;
  ProxyServerOptions options_;
  std::unique_ptr<Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Link>> links_;  // ordered: deterministic
  std::uint64_t next_id_ = 1;
  ProxyStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posted reaps
};

}  // namespace ss::proxy
