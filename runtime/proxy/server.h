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
  std::size_t max_links = 1024;            // further clients are refused (closed at once)
  std::size_t max_links_per_client = 256;  // per peer identity (Connection::peer_identity)
  // Back-pressure toward a client (docs/proxy.md): once this many bytes are
  // queued for it, reading the onward connection pauses; below the low
  // mark it resumes. A streamtype's proxy_buflen_rxflow_on_above /
  // _off_below replace these defaults.
  std::size_t client_queue_high = 256 * 1024;
  std::size_t client_queue_low = 64 * 1024;
  // A client whose queue does not shrink at all for this long has stopped
  // reading: its link is closed (0 = never). A slow reader is only paced.
  Micros client_stall_timeout = seconds(30);
  // While the client's reading is paused because its payload waits for the
  // onward stream (proxy_buflen reached), an onward stream that takes none
  // of it for this long ends the link (0 = never). A paused read cannot see
  // the client leave (Net: an EOF waits behind unread bytes), so without
  // this a stream that never sends (an h1 GET, one out of retries) would
  // hold the link, its stream and its payload for ever.
  Micros upload_stall_timeout = seconds(30);
  // Called once per closed link with its reason, and with link_id 0 for a
  // client refused at accept (logs, traces).
  std::function<void(std::uint64_t link_id, const std::string& reason)> on_link_closed;
};

struct ProxyStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused_over_limit = 0;       // max_links reached
  std::uint64_t refused_client_limit = 0;     // max_links_per_client reached
  std::uint64_t closed = 0;
  std::uint64_t dropped_misbehaving = 0;      // closed for a client error (incl. the two below)
  std::uint64_t dropped_stopped_reading = 0;  // client_stall_timeout
  std::uint64_t dropped_deadline = 0;         // a handshake, frame, idle or upload deadline
  std::uint64_t dropped_upload_stalled = 0;   // upload_stall_timeout (not the client's fault)
  std::uint64_t bytes_to_clients = 0;
  std::uint64_t bytes_from_clients = 0;
  std::uint64_t onward_pauses = 0;            // times an onward read was paused
  std::size_t paused_now = 0;                 // onward reads paused right now
  std::size_t peak_client_queue = 0;          // most bytes ever queued for one client
  std::size_t open = 0;
};

// "open=N accepted=N refused=N+N dropped=N (stopped-reading N, deadline N)
// to-clients=N B from-clients=N B paused=N (total N) peak-queue=N B"
std::string to_string(const ProxyStats& stats);

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
  void refuse(std::unique_ptr<Connection> conn, const std::string& why);

  Loop& loop_;
  Net& net_;
  OnwardFactory& onward_;
  ProxyServerOptions options_;
  std::unique_ptr<Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Link>> links_;  // ordered: deterministic
  std::map<std::string, std::size_t> per_client_;          // open links per peer identity
  std::uint64_t next_id_ = 1;
  ProxyStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posted reaps
};

}  // namespace ss::proxy
