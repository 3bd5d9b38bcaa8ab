// Network's fault calls (sim_net.h): each takes effect from a scheduled
// event, never inline, and is traced as a "fault" event.
#include <limits>

#include "sim/sim_net.h"

namespace ss::sim {
namespace {

constexpr Micros kForever = std::numeric_limits<Micros>::max();

Micros until_from(Micros now, Micros duration) { return duration <= 0 ? kForever : now + duration; }

std::string conn_text(std::uint64_t id) { return "conn=" + std::to_string(id); }

}  // namespace

// ---- Faults -------------------------------------------------------------------------------------

void Network::refuse(int host, const Endpoint& at, Micros duration) {
  Key key{host, key_of(at)};
  sched_.schedule_now([this, key, duration] {
    refuse_until_[key] = until_from(sched_.now(), duration);
    trace_.record(sched_.now(), "fault", "refuse " + hosts_[key.first].name + " " + key.second +
                                             " for=" + std::to_string(duration));
  });
}

void Network::blackhole(int host, const Endpoint& at, Micros duration) {
  Key key{host, key_of(at)};
  sched_.schedule_now([this, key, duration] {
    blackhole_until_[key] = until_from(sched_.now(), duration);
    trace_.record(sched_.now(), "fault", "blackhole " + hosts_[key.first].name + " " + key.second +
                                             " for=" + std::to_string(duration));
  });
}

void Network::dns_nxdomain(std::string name, Micros duration) {
  sched_.schedule_now([this, name, duration] {
    nxdomain_until_[name] = until_from(sched_.now(), duration);
    trace_.record(sched_.now(), "fault", "dns_nxdomain " + name + " for=" + std::to_string(duration));
  });
}

void Network::dns_timeout(std::string name, Micros duration) {
  sched_.schedule_now([this, name, duration] {
    dns_timeout_until_[name] = until_from(sched_.now(), duration);
    trace_.record(sched_.now(), "fault", "dns_timeout " + name + " for=" + std::to_string(duration));
  });
}

void Network::reset(std::uint64_t conn) {
  sched_.schedule_now([this, conn] {
    End* e = find(conn);
    if (e == nullptr || e->ended) return;
    trace_.record(sched_.now(), "fault", "reset " + conn_text(conn));
    const std::uint64_t peer = e->peer;
    const Micros latency = link(e->host, e->peer_host).latency;
    if (peer != 0) sched_.schedule(sched_.now() + latency, [this, peer] { arrive_rst(peer); });
    end(conn, EndReason::kReset);
  });
}

void Network::half_close(std::uint64_t conn) {
  sched_.schedule_now([this, conn] {
    End* e = find(conn);
    if (e == nullptr || e->peer == 0) return;
    // The accepting (server) side sends the EOF, whichever end was drawn: a
    // server may shut its write side, but nothing in TCP can shut a client's
    // write side from the other end without the client asking.
    const std::uint64_t client = e->accepted ? e->peer : conn;
    const std::uint64_t server = e->accepted ? conn : e->peer;
    const End* s = find(server);
    if (s == nullptr || !s->accepted) return;  // not a client/server pair
    trace_.record(sched_.now(), "fault", "half_close peer of " + conn_text(client));
    shutdown_write(server);
  });
}

void Network::stall(std::uint64_t conn, Micros duration) {
  sched_.schedule_now([this, conn, duration] {
    End* e = find(conn);
    if (e == nullptr) return;
    trace_.record(sched_.now(), "fault", "stall " + conn_text(conn) + " for=" + std::to_string(duration));
    const Micros until = until_from(sched_.now(), duration);
    e->stalled_until = until;
    if (End* p = find(e->peer)) p->stalled_until = until;
  });
}

void Network::clog(int a, int b, Micros duration) {
  sched_.schedule_now([this, a, b, duration] {
    const Micros until = until_from(sched_.now(), duration);
    clog_until_[{a, b}] = until;
    clog_until_[{b, a}] = until;
    trace_.record(sched_.now(), "fault", "clog " + hosts_[a].name + "<->" + hosts_[b].name +
                                             " for=" + std::to_string(duration));
    if (until != kForever) sched_.schedule(until, [this] { kick_waiting_links(); });
  });
}

void Network::unclog(int a, int b) {
  sched_.schedule_now([this, a, b] {
    clog_until_.erase({a, b});
    clog_until_.erase({b, a});
    trace_.record(sched_.now(), "fault", "unclog " + hosts_[a].name + "<->" + hosts_[b].name);
    kick_waiting_links();
  });
}

void Network::partition(int a, int b, bool two_way, Micros duration) {
  sched_.schedule_now([this, a, b, two_way, duration] {
    const Micros until = until_from(sched_.now(), duration);
    partition_until_[{a, b}] = until;
    if (two_way) partition_until_[{b, a}] = until;
    trace_.record(sched_.now(), "fault", std::string("partition ") + hosts_[a].name +
                                             (two_way ? "<->" : "->") + hosts_[b].name +
                                             " for=" + std::to_string(duration));
    if (until != kForever) sched_.schedule(until, [this] { kick_waiting_links(); });
  });
}

void Network::heal(int a, int b) {
  sched_.schedule_now([this, a, b] {
    partition_until_.erase({a, b});
    partition_until_.erase({b, a});
    trace_.record(sched_.now(), "fault", "heal " + hosts_[a].name + "<->" + hosts_[b].name);
    kick_waiting_links();
  });
}

void Network::restart_listener(int host, const Endpoint& at, Micros down_for) {
  Key key{host, key_of(at)};
  sched_.schedule_now([this, key, down_for] {
    down_until_[key] = until_from(sched_.now(), down_for);
    trace_.record(sched_.now(), "fault", "listener_restart " + hosts_[key.first].name + " " +
                                             key.second + " down_for=" + std::to_string(down_for));
    // The restarting peer loses every connection it had accepted there.
    std::vector<std::uint64_t> victims;
    for (const auto& [id, e] : ends_) {
      if (e.accepted && e.listener_key == key && !e.ended) victims.push_back(id);
    }
    for (std::uint64_t id : victims) {
      End* e = find(id);
      if (e == nullptr || e->ended) continue;
      const std::uint64_t peer = e->peer;
      const Micros latency = link(e->host, e->peer_host).latency;
      sched_.schedule(sched_.now() + latency, [this, peer] { arrive_rst(peer); });
      end(id, EndReason::kReset);
    }
  });
}

void Network::kick_waiting_links() {
  // FIN and RST segments held by the link go first, in the order sent.
  std::vector<HeldSegment> held;
  held.swap(held_segments_);
  for (HeldSegment& h : held) send_segment(h.from, h.to, h.not_before, std::move(h.arrival));
  std::vector<std::uint64_t> ids;
  for (auto& [id, e] : ends_) {
    if (e.waiting_link) {
      e.waiting_link = false;
      ids.push_back(id);
    }
  }
  for (std::uint64_t id : ids) kick(id);
}

}  // namespace ss::sim
