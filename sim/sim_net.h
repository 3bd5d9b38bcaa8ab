// Network: simulated hosts, names, listeners and stream connections, with
// per-link latency and bandwidth and injectable faults. SimNet is one host's
// ss::Net view of it (its own address; loopback goes to itself).
//
// Model
//   - Each connection end has a send queue. A "pump" moves a chunk of it onto
//     the link when the link is free: the chunk size is the segmentation draw
//     (so writes are split and merged into reads arbitrarily), the link is
//     busy for size/bandwidth, and the chunk arrives `latency` later, never
//     before an earlier chunk of the same direction (bytes stay in order).
//   - Connect: DNS (if a name) -> route (partition => kUnreachable) -> SYN
//     after one latency (no listener, listener down, refuse fault => kRefused
//     one latency later; blackhole => no answer, the connect timeout ends it)
//     -> accept on the server -> on_connected one latency later.
//   - close() flushes the queue then sends EOF (a close with unread bytes
//     received sends a reset instead, as Linux does); a segment that
//     arrives at a socket that is gone (closed, reset, timed out) is
//     answered with a reset (as TCP does).
//   - Clog stops the pumps of that link (bytes wait, in order, and go at the
//     unclog). A partition loses what is sent into it: the sender
//     retransmits on TCP's doubling timeout (TcpParams), so queued bytes and
//     the FIN arrive at the first retransmission after the heal, and a
//     sender that gets nothing through in TcpParams::max_retransmits
//     retransmissions ends kTimedOut (its peer hears nothing: half-open).
//     FIN and RST segments wait on a clogged or partitioned link as bytes do.
//     Stall stops one connection's pumps. Reset ends both ends with kReset.
// Every event runs from the Scheduler; nothing calls a handler inline from a
// call into Net/Connection or from a fault call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/byte_queue.h"
#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "sim/faults.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace ss::sim {

struct LinkParams {
  Micros latency = millis(1);
  std::uint64_t bytes_per_second = 0;  // 0 = unlimited
};

// Chunk sizes a pump draws, uniform in [min, max] (capped by what is queued).
struct Segmentation {
  std::size_t min = 1;
  std::size_t max = 64 * 1024;
};

// TCP's retransmission of what a partition swallowed (Linux defaults: the
// RTO is at least 200 ms and doubles up to 120 s; 15 retransmissions,
// tcp_retries2, about 15 minutes in all before the sender gives up).
struct TcpParams {
  Micros rto_min = millis(200);  // the first RTO is this plus one round trip
  Micros rto_max = seconds(120);
  int max_retransmits = 15;
};

struct DnsParams {
  Micros latency = millis(2);
  Micros timeout = seconds(5);  // how long a timed-out lookup takes to fail
};

class Network;

class SimNet final : public Net {
 public:
  SimNet(Network* network, int host) : network_(network), host_(host) {}
  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override;
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) override;
  ResolveId resolve(std::string_view name, ResolveCallback done) override;
  bool cancel_resolve(ResolveId id) override;
  int host() const { return host_; }

 private:
  Network* network_;
  int host_;
};

class Network {
 public:
  // The most one on_data() hands over, as one socket read would.
  static constexpr std::size_t kMaxRead = 64 * 1024;
  Network(Scheduler& scheduler, Trace& trace, Rng& rng, Buggify& buggify);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Hosts and names. add_host registers `name` in DNS too. Returns the index.
  int add_host(std::string name, std::string ip);
  int host_index(std::string_view name) const;  // -1 if unknown
  const std::string& host_name(int host) const { return hosts_[host].name; }
  const std::string& host_ip(int host) const { return hosts_[host].ip; }
  std::size_t host_count() const { return hosts_.size(); }
  void add_dns(std::string name, std::vector<std::string> ips);
  SimNet& net(int host) { return *hosts_[host].net; }

  void set_default_link(LinkParams link) { default_link_ = link; }
  void set_loopback_link(LinkParams link) { loopback_link_ = link; }
  void set_link(int a, int b, LinkParams link);  // both directions
  void set_segmentation(Segmentation seg) { segmentation_ = seg; }
  void set_dns(DnsParams dns) { dns_ = dns; }
  void set_tcp(TcpParams tcp) { tcp_ = tcp; }

  // Faults (direct calls; each takes effect from a scheduled event, never
  // inline). Durations <= 0 mean "until the matching undo call".
  void refuse(int host, const Endpoint& at, Micros duration);
  void blackhole(int host, const Endpoint& at, Micros duration);
  void dns_nxdomain(std::string name, Micros duration);
  void dns_timeout(std::string name, Micros duration);
  void reset(std::uint64_t conn);
  void half_close(std::uint64_t conn);  // the server end of conn's pair sends EOF
  void stall(std::uint64_t conn, Micros duration);
  void clog(int a, int b, Micros duration);
  void unclog(int a, int b);
  void partition(int a, int b, bool two_way, Micros duration);
  void heal(int a, int b);
  void restart_listener(int host, const Endpoint& at, Micros down_for);

  // Ids of connection ends that are connected and not ended, ascending.
  std::vector<std::uint64_t> live_connections() const;
  std::uint64_t peer_of(std::uint64_t conn) const;
  // Whether the program at end `conn` still holds it: not closed by it and
  // not ended (a closed end may live on to send its last bytes and FIN).
  bool held_open(std::uint64_t conn) const;
  std::size_t end_count() const { return ends_.size(); }
  std::size_t listener_count() const { return listeners_.size(); }

 private:
  friend class SimNet;
  friend class SimConnection;
  friend class SimListener;

  struct Host {
    std::string name;
    std::string ip;
    std::uint16_t next_port = 40000;
    std::unique_ptr<SimNet> net;
  };
  struct End {
    std::uint64_t id = 0;
    std::uint64_t peer = 0;
    int host = 0;
    int peer_host = 0;
    Endpoint peer_endpoint;
    ConnectionHandler* handler = nullptr;
    bool accepted = false;
    bool owner_alive = true;
    bool connected = false;
    bool ended = false;
    bool notify_end_on_set = false;
    EndReason end_reason = EndReason::kClosedLocally;
    ConnectOptions options;
    ByteQueue sendq;
    bool want_writable = false;
    bool write_shut = false;
    bool fin_sent = false;
    bool pump_scheduled = false;
    bool waiting_link = false;     // clogged: the unclog kicks us
    TimerId rto_timer;             // partitioned: our next retransmission
    int retransmits = 0;           // since the partition swallowed a send
    Micros link_free = 0;
    Micros last_arrival = 0;
    Micros stalled_until = 0;
    ByteQueue inbox;
    bool inbox_eof = false;
    bool read_paused = false;      // pause_reading(true): arrivals wait in inbox
    bool waiting_window = false;   // our pump waits: the peer's inbox is full
    std::size_t in_flight = 0;     // bytes we sent that have not arrived yet
    TimerId connect_timer;
    std::pair<int, std::string> listener_key;  // accepted ends
  };
  struct ListenerState {
    AcceptCallback on_accept;
    Endpoint local;
    std::uint64_t token = 0;
  };
  using Key = std::pair<int, std::string>;  // host, "tcp:80" / "unix:/p" / "abs:n"

  static std::string key_of(const Endpoint& at);
  LinkParams link(int from, int to) const;
  bool clogged(int from, int to) const;
  bool partitioned(int from, int to) const;
  bool blocked(int from, int to) const { return clogged(from, to) || partitioned(from, to); }
  bool blocked_partition(int a, int b) const;  // partition either way
  int host_of_ip(std::string_view ip) const;
  bool is_ip_literal(std::string_view s) const;
  std::string fault_now(const char* what, const std::string& detail);
  bool ready(const End& e) const {
    return e.owner_alive && e.handler != nullptr && e.connected && !e.ended;
  }
  // Ready, and may be handed what arrived (not paused by pause_reading).
  bool readable(const End& e) const { return ready(e) && !e.read_paused; }
  // Bytes that may wait unread at a receiver before its sender stops (the
  // TCP receive window: what makes a paused reader slow its peer down).
  static constexpr std::size_t kReceiveWindow = 256 * 1024;
  End* find(std::uint64_t id);

  // Connection life (all run from scheduled events).
  std::unique_ptr<Connection> connect(int host, const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler);
  Result<std::unique_ptr<Listener>> listen(int host, const Endpoint& at, AcceptCallback cb);
  void unlisten(const Key& key, std::uint64_t token);
  void begin_connect(std::uint64_t id, Endpoint to);
  void route(std::uint64_t id, int target, const Endpoint& to);
  void syn_arrive(std::uint64_t id, int target, Key key, Endpoint to);
  // The SYN-ACK for client end `id` (accepted as `sid`) arrives.
  void client_connected(std::uint64_t id, std::uint64_t sid, int client_host, int server_host);
  void kick(std::uint64_t id);
  void pump(std::uint64_t id);
  void arrive(std::uint64_t to, std::uint64_t from, std::string chunk);
  void deliver(std::uint64_t to, std::uint64_t from, std::string chunk);
  // `reader` took bytes (or bytes to it arrived): a sender held back by its
  // receive window may go on.
  void window_opened(std::uint64_t reader);
  void arrive_fin(std::uint64_t to, std::uint64_t from);
  // A segment from `from` met a socket that is gone: RST back to it.
  void reset_sender(std::uint64_t from);
  void arrive_rst(std::uint64_t to);
  // A FIN or RST from host `from` to host `to`: arrives one latency from
  // now (never before `not_before`), or waits while the link is clogged or
  // partitioned and goes when it clears.
  void send_segment(int from, int to, Micros not_before, std::function<void()> arrival);
  // The partition swallowed what `id` sent: retransmit after the RTO, or
  // give up (kTimedOut) after TcpParams::max_retransmits.
  void retransmit_later(std::uint64_t id);
  void flush_inbox(std::uint64_t id);
  void end(std::uint64_t id, EndReason reason);
  void writable(std::uint64_t id);
  void maybe_erase(std::uint64_t id);
  void kick_waiting_links();

  // Connection handle calls.
  void set_handler(std::uint64_t id, ConnectionHandler* handler);
  bool write(std::uint64_t id, std::span<const std::uint8_t> bytes);
  std::size_t buffered(std::uint64_t id) const;
  void shutdown_write(std::uint64_t id);
  void pause_reading(std::uint64_t id, bool paused);
  void set_write_watermarks(std::uint64_t id, std::size_t high, std::size_t low);
  void close(std::uint64_t id);
  Endpoint peer(std::uint64_t id) const;

  // DNS
  enum class DnsOutcome { kOk, kNxdomain, kTimeout };
  DnsOutcome lookup(std::string_view name, std::vector<std::string>* ips) const;
  ResolveId resolve(std::string_view name, ResolveCallback done);
  bool cancel_resolve(ResolveId id);

  Scheduler& sched_;
  Trace& trace_;
  Rng& rng_;
  Buggify& buggify_;
  std::vector<Host> hosts_;
  std::map<std::string, std::vector<std::string>, std::less<>> dns_names_;
  std::map<std::string, Micros, std::less<>> nxdomain_until_;
  std::map<std::string, Micros, std::less<>> dns_timeout_until_;
  std::map<Key, Micros> refuse_until_, blackhole_until_, down_until_;
  std::map<std::pair<int, int>, LinkParams> links_;
  std::map<std::pair<int, int>, Micros> clog_until_;       // directed
  std::map<std::pair<int, int>, Micros> partition_until_;  // directed
  LinkParams default_link_;
  LinkParams loopback_link_{20, 0};
  Segmentation segmentation_;
  DnsParams dns_;
  TcpParams tcp_;
  struct HeldSegment {
    int from = 0, to = 0;
    Micros not_before = 0;
    std::function<void()> arrival;
  };
  std::vector<HeldSegment> held_segments_;  // in the order they were sent
  std::map<std::uint64_t, End> ends_;
  std::map<Key, ListenerState> listeners_;
  std::map<std::uint64_t, TimerId> resolves_;
  std::set<class SimConnection*> handles_;
  std::set<class SimListener*> listener_handles_;
  std::uint64_t next_id_ = 1;
  std::uint64_t next_resolve_ = 1;
  std::uint64_t next_token_ = 1;
};


}  // namespace ss::sim
