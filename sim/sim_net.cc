#include "sim/sim_net.h"

#include <algorithm>

#include "sim/sim_connection.h"

namespace ss::sim {
namespace {

std::string conn_text(std::uint64_t id) { return "conn=" + std::to_string(id); }

}  // namespace

// ---- SimNet: one host's view ------------------------------------------------

std::unique_ptr<Connection> SimNet::connect(const Endpoint& to, const ConnectOptions& options,
                                            ConnectionHandler* handler) {
  return network_->connect(host_, to, options, handler);
}

Result<std::unique_ptr<Listener>> SimNet::listen(const Endpoint& at, AcceptCallback on_accept) {
  return network_->listen(host_, at, std::move(on_accept));
}

ResolveId SimNet::resolve(std::string_view name, ResolveCallback done) {
  return network_->resolve(name, std::move(done));
}

bool SimNet::cancel_resolve(ResolveId id) { return network_->cancel_resolve(id); }

// ---- Network: hosts, links, names ---------------------------------------------

Network::Network(Scheduler& scheduler, Trace& trace, Rng& rng, Buggify& buggify)
    : sched_(scheduler), trace_(trace), rng_(rng), buggify_(buggify) {}

Network::~Network() {
  for (SimConnection* c : handles_) c->detach();
  for (SimListener* l : listener_handles_) l->detach();
}

int Network::add_host(std::string name, std::string ip) {
  const int index = static_cast<int>(hosts_.size());
  Host h;
  h.name = name;
  h.ip = ip;
  h.net = std::make_unique<SimNet>(this, index);
  hosts_.push_back(std::move(h));
  add_dns(std::move(name), {std::move(ip)});
  return index;
}

int Network::host_index(std::string_view name) const {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void Network::add_dns(std::string name, std::vector<std::string> ips) {
  dns_names_[std::move(name)] = std::move(ips);
}

void Network::set_link(int a, int b, LinkParams link) {
  links_[{a, b}] = link;
  links_[{b, a}] = link;
}

LinkParams Network::link(int from, int to) const {
  if (from == to) return loopback_link_;
  auto it = links_.find({from, to});
  return it == links_.end() ? default_link_ : it->second;
}

bool Network::clogged(int from, int to) const {
  auto c = clog_until_.find({from, to});
  return c != clog_until_.end() && c->second > sched_.now();
}

bool Network::partitioned(int from, int to) const {
  auto p = partition_until_.find({from, to});
  return p != partition_until_.end() && p->second > sched_.now();
}

bool Network::blocked_partition(int a, int b) const {
  const Micros now = sched_.now();
  for (auto key : {std::pair<int, int>{a, b}, std::pair<int, int>{b, a}}) {
    auto p = partition_until_.find(key);
    if (p != partition_until_.end() && p->second > now) return true;
  }
  return false;
}

int Network::host_of_ip(std::string_view ip) const {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].ip == ip) return static_cast<int>(i);
  }
  return -1;
}

bool Network::is_ip_literal(std::string_view s) const {
  if (s.find(':') != std::string_view::npos) return true;
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string Network::key_of(const Endpoint& at) {
  switch (at.kind) {
    case Endpoint::Kind::kTcp: return "tcp:" + std::to_string(at.port);
    case Endpoint::Kind::kUnixPath: return "unix:" + at.path;
    case Endpoint::Kind::kUnixAbstract: return "abs:" + at.path;
  }
  return "?";
}

Network::End* Network::find(std::uint64_t id) {
  auto it = ends_.find(id);
  return it == ends_.end() ? nullptr : &it->second;
}

std::vector<std::uint64_t> Network::live_connections() const {
  std::vector<std::uint64_t> out;
  for (const auto& [id, e] : ends_) {
    if (e.connected && !e.ended) out.push_back(id);
  }
  return out;
}

std::uint64_t Network::peer_of(std::uint64_t conn) const {
  auto it = ends_.find(conn);
  return it == ends_.end() ? 0 : it->second.peer;
}

bool Network::held_open(std::uint64_t conn) const {
  auto it = ends_.find(conn);
  return it != ends_.end() && it->second.owner_alive && !it->second.ended;
}

// ---- DNS ------------------------------------------------------------------------

Network::DnsOutcome Network::lookup(std::string_view name, std::vector<std::string>* ips) const {
  const Micros now = sched_.now();
  if (is_ip_literal(name)) {
    *ips = {std::string(name)};
    return DnsOutcome::kOk;
  }
  auto t = dns_timeout_until_.find(name);
  if (t != dns_timeout_until_.end() && t->second > now) return DnsOutcome::kTimeout;
  auto n = nxdomain_until_.find(name);
  if (n != nxdomain_until_.end() && n->second > now) return DnsOutcome::kNxdomain;
  if (name == "localhost") {
    *ips = {"127.0.0.1"};
    return DnsOutcome::kOk;
  }
  auto it = dns_names_.find(name);
  if (it == dns_names_.end() || it->second.empty()) return DnsOutcome::kNxdomain;
  *ips = it->second;
  return DnsOutcome::kOk;
}

ResolveId Network::resolve(std::string_view name_view, ResolveCallback done) {
  const std::uint64_t rid = next_resolve_++;
  std::vector<std::string> ips;
  const DnsOutcome outcome = lookup(name_view, &ips);
  const Micros delay = is_ip_literal(name_view) ? 0
                       : outcome == DnsOutcome::kTimeout ? dns_.timeout
                                                           : dns_.latency;
  std::string name(name_view);
  resolves_[rid] = sched_.schedule(
      sched_.now() + delay, [this, rid, name, outcome, ips, done = std::move(done)] {
        resolves_.erase(rid);
        if (outcome == DnsOutcome::kOk) {
          trace_.record(sched_.now(), "dns", name + " -> " + ips.front());
          done(ips);
        } else if (outcome == DnsOutcome::kNxdomain) {
          trace_.record(sched_.now(), "dns", name + " -> NXDOMAIN");
          done(make_error(ErrorCode::kNotFound, "DNS: no such name '" + name + "' (NXDOMAIN)"));
        } else {
          trace_.record(sched_.now(), "dns", name + " -> timeout");
          done(make_error(ErrorCode::kIo, "DNS: lookup of '" + name + "' timed out"));
        }
      });
  return ResolveId{rid};
}

bool Network::cancel_resolve(ResolveId id) {
  auto it = resolves_.find(id.value);
  if (it == resolves_.end()) return false;
  sched_.cancel(it->second);
  resolves_.erase(it);
  return true;
}

// ---- Listeners ------------------------------------------------------------------

Result<std::unique_ptr<Listener>> Network::listen(int host, const Endpoint& at_in, AcceptCallback cb) {
  Endpoint at = at_in;
  Host& h = hosts_[host];
  if (at.kind == Endpoint::Kind::kTcp) {
    const std::string& a = at.host;
    if (!(a.empty() || a == "0.0.0.0" || a == "::" || a == "127.0.0.1" || a == "localhost" ||
          a == h.ip || a == h.name)) {
      return make_error(ErrorCode::kIo, "listen: address '" + a + "' is not on host " + h.name);
    }
    if (at.port == 0) {
      while (listeners_.count({host, "tcp:" + std::to_string(h.next_port)}) != 0) ++h.next_port;
      at.port = h.next_port++;
    }
    at.host = h.ip;
  } else if (at.path.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "listen: empty unix path/name");
  }
  Key key{host, key_of(at)};
  if (listeners_.count(key) != 0) {
    return make_error(ErrorCode::kIo, "listen: address in use: " + to_string(at) + " on " + h.name);
  }
  const std::uint64_t token = next_token_++;
  listeners_[key] = ListenerState{std::move(cb), at, token};
  trace_.record(sched_.now(), "listen", h.name + " " + to_string(at));
  return std::unique_ptr<Listener>(std::make_unique<SimListener>(this, host, key.second, at, token));
}

void Network::unlisten(const Key& key, std::uint64_t token) {
  auto it = listeners_.find(key);
  if (it == listeners_.end() || it->second.token != token) return;
  trace_.record(sched_.now(), "unlisten", hosts_[key.first].name + " " + key.second);
  listeners_.erase(it);
}

// ---- Connect ----------------------------------------------------------------------

std::unique_ptr<Connection> Network::connect(int host, const Endpoint& to,
                                             const ConnectOptions& options,
                                             ConnectionHandler* handler) {
  const std::uint64_t id = next_id_++;
  End& e = ends_[id];
  e.id = id;
  e.host = host;
  e.handler = handler;
  e.options = options;
  e.peer_endpoint = to;
  trace_.record(sched_.now(), "connect", conn_text(id) + " from=" + hosts_[host].name + " to=" + to_string(to));
  if (options.connect_timeout > 0) {
    e.connect_timer = sched_.schedule(sched_.now() + options.connect_timeout, [this, id] {
      End* c = find(id);
      if (c == nullptr) return;
      c->connect_timer = TimerId{};
      if (!c->connected) end(id, EndReason::kTimedOut);
    });
  }
  sched_.schedule_now([this, id, to] { begin_connect(id, to); });
  return std::make_unique<SimConnection>(this, id);
}

void Network::begin_connect(std::uint64_t id, Endpoint to) {
  End* e = find(id);
  if (e == nullptr || e->ended) return;
  if (to.kind != Endpoint::Kind::kTcp) {
    route(id, e->host, to);
    return;
  }
  std::vector<std::string> ips;
  const DnsOutcome outcome = lookup(to.host, &ips);
  if (outcome == DnsOutcome::kOk && is_ip_literal(to.host)) {
    const int target = to.host == "127.0.0.1" || to.host == "::1" ? e->host : host_of_ip(to.host);
    route(id, target, to);
    return;
  }
  const Micros delay = outcome == DnsOutcome::kTimeout ? dns_.timeout : dns_.latency;
  sched_.schedule(sched_.now() + delay, [this, id, to, outcome, ips] {
    End* c = find(id);
    if (c == nullptr || c->ended) return;
    if (outcome != DnsOutcome::kOk) {
      trace_.record(sched_.now(), "dns", to.host + (outcome == DnsOutcome::kNxdomain ? " -> NXDOMAIN" : " -> timeout"));
      end(id, EndReason::kDnsFailure);
      return;
    }
    trace_.record(sched_.now(), "dns", to.host + " -> " + ips.front());
    Endpoint resolved = Endpoint::tcp(ips.front(), to.port);
    const int target = ips.front() == "127.0.0.1" ? c->host : host_of_ip(ips.front());
    route(id, target, resolved);
  });
}

void Network::route(std::uint64_t id, int target, const Endpoint& to) {
  End* e = find(id);
  if (e == nullptr || e->ended) return;
  const Micros latency = target < 0 ? link(e->host, e->host).latency : link(e->host, target).latency;
  if (target < 0 || blocked_partition(e->host, target)) {
    sched_.schedule(sched_.now() + latency, [this, id] { end(id, EndReason::kUnreachable); });
    return;
  }
  e->peer_host = target;
  e->peer_endpoint = to;
  Key key{target, key_of(to)};
  auto bh = blackhole_until_.find(key);
  if (bh != blackhole_until_.end() && bh->second > sched_.now()) {
    trace_.record(sched_.now(), "fault", "blackholed " + conn_text(id));
    return;  // no answer: the connect timeout ends it
  }
  Micros extra = 0;
  if (buggify_.fire("sim_net.slow_syn", rng_)) extra = rng_.between(1, millis(50));
  sched_.schedule(sched_.now() + latency + extra,
                  [this, id, target, key, to] { syn_arrive(id, target, key, to); });
}

void Network::syn_arrive(std::uint64_t id, int target, Key key, Endpoint to) {
  End* c = find(id);
  if (c == nullptr || c->ended) return;
  const Micros now = sched_.now();
  const Micros latency = link(target, c->host).latency;
  auto down = down_until_.find(key);
  auto refuse = refuse_until_.find(key);
  auto l = listeners_.find(key);
  const bool is_down = down != down_until_.end() && down->second > now;
  const bool refused = refuse != refuse_until_.end() && refuse->second > now;
  if (l == listeners_.end() || is_down || refused) {
    sched_.schedule(now + latency, [this, id] { end(id, EndReason::kRefused); });
    return;
  }
  const std::uint64_t sid = next_id_++;
  End& s = ends_[sid];
  c = find(id);  // the map may have rebalanced; re-find (pointers stay valid in std::map, but be plain)
  s.id = sid;
  s.peer = id;
  s.host = target;
  s.peer_host = c->host;
  s.accepted = true;
  s.connected = true;
  s.listener_key = key;
  if (to.kind == Endpoint::Kind::kTcp) {
    Host& ch = hosts_[c->host];
    s.peer_endpoint = Endpoint::tcp(c->host == target ? "127.0.0.1" : ch.ip, ch.next_port++);
  } else {
    s.peer_endpoint = Endpoint::unix_path("");
  }
  c->peer = sid;
  trace_.record(now, "accept", conn_text(sid) + " peer=" + std::to_string(id) + " on=" +
                                   hosts_[target].name + " " + key.second);
  sched_.schedule(now + latency, [this, id, sid, client_host = c->host, target] {
    client_connected(id, sid, client_host, target);
  });
  AcceptCallback cb = l->second.on_accept;  // copy: the callback may stop listening
  cb(std::make_unique<SimConnection>(this, sid));
}

void Network::client_connected(std::uint64_t id, std::uint64_t sid, int client_host, int server_host) {
  End* e = find(id);
  if (e == nullptr || e->ended) {
    // The SYN-ACK meets a closed (or given-up) socket, which answers RST:
    // the end the server accepted must not stay open forever.
    send_segment(client_host, server_host, 0, [this, sid] { arrive_rst(sid); });
    return;
  }
  e->connected = true;
  if (e->connect_timer) {
    sched_.cancel(e->connect_timer);
    e->connect_timer = TimerId{};
  }
  if (!e->owner_alive) return;
  trace_.record(sched_.now(), "connected", conn_text(id));
  kick(id);
  ConnectionHandler* h = e->handler;
  h->on_connected();
  flush_inbox(id);
}

// ---- Data path --------------------------------------------------------------------------

void Network::kick(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || e->ended || !e->connected || e->pump_scheduled) return;
  if (e->sendq.empty() && !(e->write_shut && !e->fin_sent)) return;
  e->pump_scheduled = true;
  const Micros at = std::max({sched_.now(), e->link_free, e->stalled_until});
  sched_.schedule(at, [this, id] { pump(id); });
}

void Network::pump(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr) return;
  e->pump_scheduled = false;
  if (e->ended) return;
  const Micros now = sched_.now();
  if (e->stalled_until > now) {
    kick(id);
    return;
  }
  if (e->rto_timer) return;  // the partition swallowed our last send: wait for the RTO
  if (partitioned(e->host, e->peer_host)) return retransmit_later(id);
  if (clogged(e->host, e->peer_host)) {
    e->waiting_link = true;
    return;
  }
  e->retransmits = 0;
  const LinkParams lp = link(e->host, e->peer_host);
  const std::uint64_t to = e->peer;
  if (!e->sendq.empty()) {
    const End* r = find(to);
    // TCP's receive window: bytes in flight plus bytes the reader has not
    // taken stay under it, whether or not the reader is paused, so a bulk
    // sender is paced by round trips as on a real link, never all of a
    // 5 MiB body in one instant (proxy-bulk seed 101462).
    if (r != nullptr && r->inbox.size() + e->in_flight >= kReceiveWindow) {
      e->waiting_window = true;  // resumed by window_opened()
      return;
    }
  }
  if (e->sendq.empty()) {
    if (e->write_shut && !e->fin_sent) {
      e->fin_sent = true;
      const Micros arrival = std::max(now + lp.latency, e->last_arrival);
      e->last_arrival = arrival;
      sched_.schedule(arrival, [this, to, id] { arrive_fin(to, id); });
      maybe_erase(id);
    }
    return;
  }
  std::size_t n = static_cast<std::size_t>(
      rng_.between(static_cast<std::int64_t>(segmentation_.min), static_cast<std::int64_t>(segmentation_.max)));
  if (buggify_.fire("sim_net.tiny_segment", rng_)) n = 1;
  n = std::clamp<std::size_t>(n, 1, e->sendq.size());
  std::string chunk = e->sendq.take(n);
  e->in_flight += n;
  const Micros tx = lp.bytes_per_second == 0
                        ? 0
                        : static_cast<Micros>((n * 1000000 + lp.bytes_per_second - 1) / lp.bytes_per_second);
  Micros jitter = 0;
  if (buggify_.fire("sim_net.jitter", rng_)) jitter = rng_.between(1, millis(20));
  const Micros arrival = std::max(now + tx + lp.latency + jitter, e->last_arrival);
  e->last_arrival = arrival;
  e->link_free = now + tx;
  sched_.schedule(arrival, [this, to, id, chunk = std::move(chunk)]() mutable { arrive(to, id, std::move(chunk)); });
  const std::size_t low = e->options.low_watermark;
  if (e->want_writable && (e->sendq.size() < low || e->sendq.empty())) {
    e->want_writable = false;
    sched_.schedule_now([this, id] { writable(id); });
  }
  kick(id);
}

void Network::retransmit_later(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || e->ended) return;
  if (e->retransmits > tcp_.max_retransmits) {
    // Nothing got through for ~15 minutes: ETIMEDOUT here; the peer is
    // left half-open until it sends something (and hears a reset).
    e->retransmits = 0;
    end(id, EndReason::kTimedOut);
    return;
  }
  Micros rto = tcp_.rto_min + 2 * link(e->host, e->peer_host).latency;
  for (int i = 0; i < e->retransmits && rto < tcp_.rto_max; ++i) rto *= 2;
  rto = std::min(rto, tcp_.rto_max);
  ++e->retransmits;
  e->rto_timer = sched_.schedule(sched_.now() + rto, [this, id] {
    End* c = find(id);
    if (c == nullptr) return;
    c->rto_timer = TimerId{};
    kick(id);
  });
}

void Network::send_segment(int from, int to, Micros not_before, std::function<void()> arrival) {
  if (blocked(from, to)) {
    held_segments_.push_back(HeldSegment{from, to, not_before, std::move(arrival)});
    return;
  }
  sched_.schedule(std::max(sched_.now() + link(from, to).latency, not_before), std::move(arrival));
}

void Network::writable(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || !ready(*e)) return;
  e->handler->on_writable();
}

void Network::arrive(std::uint64_t to, std::uint64_t from, std::string chunk) {
  if (End* s = find(from); s != nullptr) s->in_flight -= std::min(s->in_flight, chunk.size());
  deliver(to, from, std::move(chunk));
  window_opened(to);
}

void Network::window_opened(std::uint64_t reader) {
  End* r = find(reader);
  if (r == nullptr) return;
  End* p = find(r->peer);
  if (p == nullptr || !p->waiting_window || r->inbox.size() + p->in_flight >= kReceiveWindow) return;
  p->waiting_window = false;
  kick(r->peer);
}

void Network::deliver(std::uint64_t to, std::uint64_t from, std::string chunk) {
  End* r = find(to);
  if (r == nullptr || !r->owner_alive || r->ended) {
    // Data for a socket that is closed or gone (reset, timed out): answer
    // with a reset, as TCP does.
    reset_sender(from);
    return;
  }
  if (!readable(*r) || !r->inbox.empty()) {
    // Behind bytes that still wait: keep the order, hand over from there.
    r->inbox += chunk;
    if (readable(*r)) sched_.schedule_now([this, to] { flush_inbox(to); });
    return;
  }
  trace_.record(sched_.now(), "data", conn_text(to) + " n=" + std::to_string(chunk.size()) +
                                          " h=" + hex64(fnv1a64(chunk)));
  r->handler->on_data(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()));
}

void Network::reset_sender(std::uint64_t from) {
  End* s = find(from);
  if (s == nullptr || s->ended) return;
  send_segment(s->peer_host, s->host, 0, [this, from] { arrive_rst(from); });
}

void Network::arrive_fin(std::uint64_t to, std::uint64_t from) {
  End* r = find(to);
  if (r == nullptr || r->ended) {
    if (r == nullptr || r->end_reason != EndReason::kClosedByPeer) reset_sender(from);
    return;
  }
  if (!r->owner_alive) {
    // Closed by its owner, its own bytes and FIN still going out (behind a
    // partition, or a peer's full window): the peer's FIN only completes
    // the close; what it still sends goes on (TCP's CLOSING / LAST_ACK).
    maybe_erase(to);
    return;
  }
  if (!readable(*r) || !r->inbox.empty()) {
    r->inbox_eof = true;  // after the bytes that still wait
    if (readable(*r)) sched_.schedule_now([this, to] { flush_inbox(to); });
    return;
  }
  if (r->options.allow_half_close) {
    trace_.record(sched_.now(), "read_closed", conn_text(to));
    r->handler->on_read_closed();
    return;
  }
  end(to, EndReason::kClosedByPeer);
}

void Network::arrive_rst(std::uint64_t to) { end(to, EndReason::kReset); }

void Network::flush_inbox(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || !e->owner_alive || e->handler == nullptr || !e->connected) return;
  if (e->read_paused && !e->ended) return;
  // Handed over in reads of at most kMaxRead bytes, as a socket read would,
  // stopping as soon as the reader pauses.
  while (!e->inbox.empty() && !e->ended) {
    const std::size_t n = std::min(e->inbox.size(), kMaxRead);
    std::string chunk = e->inbox.take(n);
    trace_.record(sched_.now(), "data", conn_text(id) + " n=" + std::to_string(chunk.size()) +
                                            " h=" + hex64(fnv1a64(chunk)));
    e->handler->on_data(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()));
    e = find(id);
    if (e == nullptr || !e->owner_alive) return;
    window_opened(id);
    if (e->read_paused && !e->ended) return;
  }
  if (e->notify_end_on_set) {
    e->notify_end_on_set = false;
    ConnectionHandler* h = e->handler;
    const EndReason reason = e->end_reason;
    h->on_end(reason);
    maybe_erase(id);
    return;
  }
  if (e->inbox_eof && !e->ended) {
    e->inbox_eof = false;
    arrive_fin(id, e->peer);
  }
}

void Network::end(std::uint64_t id, EndReason reason) {
  End* e = find(id);
  if (e == nullptr || e->ended) return;
  e->ended = true;
  e->end_reason = reason;
  e->sendq.clear();
  if (e->connect_timer) {
    sched_.cancel(e->connect_timer);
    e->connect_timer = TimerId{};
  }
  if (e->rto_timer) {
    sched_.cancel(e->rto_timer);
    e->rto_timer = TimerId{};
  }
  if (reason == EndReason::kClosedByPeer && e->connected && !e->fin_sent) {
    // Our owner will close; answer the EOF with ours so a half-closed peer ends too.
    e->fin_sent = true;
    const std::uint64_t to = e->peer;
    send_segment(e->host, e->peer_host, e->last_arrival, [this, to, id] { arrive_fin(to, id); });
  }
  trace_.record(sched_.now(), "end", conn_text(id) + " reason=" + end_reason_name(reason));
  if (!e->owner_alive) {
    maybe_erase(id);
    return;
  }
  if (e->accepted && e->handler == nullptr) {
    e->notify_end_on_set = true;  // delivered after set_handler
    return;
  }
  ConnectionHandler* h = e->handler;
  h->on_end(reason);
}

void Network::maybe_erase(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || e->owner_alive) return;
  if (e->ended || e->fin_sent || !e->connected) {
    if (e->connect_timer) sched_.cancel(e->connect_timer);
    if (e->rto_timer) sched_.cancel(e->rto_timer);
    ends_.erase(id);
  }
}

// ---- Handle calls ---------------------------------------------------------------------------

void Network::set_handler(std::uint64_t id, ConnectionHandler* handler) {
  End* e = find(id);
  if (e == nullptr) return;
  e->handler = handler;
  sched_.schedule_now([this, id] { flush_inbox(id); });
}

bool Network::write(std::uint64_t id, std::span<const std::uint8_t> bytes) {
  End* e = find(id);
  if (e == nullptr || e->ended || e->write_shut || !e->owner_alive) return false;
  e->sendq.append(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  kick(id);
  if (e->sendq.size() >= e->options.high_watermark) {
    e->want_writable = true;
    return false;
  }
  return true;
}

std::size_t Network::buffered(std::uint64_t id) const {
  auto it = ends_.find(id);
  return it == ends_.end() ? 0 : it->second.sendq.size();
}

void Network::set_write_watermarks(std::uint64_t id, std::size_t high, std::size_t low) {
  End* e = find(id);
  if (e == nullptr) return;
  e->options.high_watermark = high;
  e->options.low_watermark = low;
}

void Network::pause_reading(std::uint64_t id, bool paused) {
  End* e = find(id);
  if (e == nullptr || e->ended || e->read_paused == paused) return;
  e->read_paused = paused;
  trace_.record(sched_.now(), paused ? "read_pause" : "read_resume", conn_text(id));
  if (paused) return;
  // What waited is delivered from the scheduler (never inline), and a
  // sender held back by our full window may go on.
  sched_.schedule_now([this, id] { flush_inbox(id); });
  if (End* p = find(e->peer); p != nullptr && p->waiting_window) {
    p->waiting_window = false;
    kick(e->peer);
  }
}

void Network::shutdown_write(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || e->ended || e->write_shut) return;
  e->write_shut = true;
  kick(id);
}

void Network::close(std::uint64_t id) {
  End* e = find(id);
  if (e == nullptr || !e->owner_alive) return;
  if (!e->ended) trace_.record(sched_.now(), "end", conn_text(id) + " reason=closed_locally");
  e->owner_alive = false;
  e->handler = nullptr;
  e->want_writable = false;
  if (e->connect_timer) {
    sched_.cancel(e->connect_timer);
    e->connect_timer = TimerId{};
  }
  if (!e->ended && e->connected && !e->inbox.empty()) {
    // Closed with bytes it never read: Linux drops the send queue and
    // answers with a reset instead of a FIN.
    const std::uint64_t peer = e->peer;
    e->ended = true;
    e->end_reason = EndReason::kReset;
    e->sendq.clear();
    send_segment(e->host, e->peer_host, 0, [this, peer] { arrive_rst(peer); });
  } else if (!e->ended && e->connected) {
    e->write_shut = true;
    kick(id);
  }
  maybe_erase(id);
}

Endpoint Network::peer(std::uint64_t id) const {
  auto it = ends_.find(id);
  return it == ends_.end() ? Endpoint{} : it->second.peer_endpoint;
}

}  // namespace ss::sim
