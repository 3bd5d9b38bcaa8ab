#include "sim/world.h"

namespace ss::sim {

World::World(const WorldOptions& options)
    : options_(options),
      trace_(options.keep_trace),
      scheduler_(&trace_),
      rng_(options.seed),
      net_rng_(rng_.fork(0x6e6574)),  // "net": network draws do not shift the user's
      buggify_(options.seed, options.buggify),
      network_(std::make_unique<Network>(scheduler_, trace_, net_rng_, buggify_)) {
  trace_.set_clock(&scheduler_);
  network_->set_default_link(options.link);
  network_->set_segmentation(options.segmentation);
}

World::~World() = default;

int World::add_host(std::string name, std::string ip) {
  if (ip.empty()) ip = "10.0.0." + std::to_string(network_->host_count() + 1);
  return network_->add_host(std::move(name), std::move(ip));
}

int World::host(std::string_view name) const { return network_->host_index(name); }

Net& World::net_for(std::string_view name) {
  int h = host(name);
  if (h < 0) h = add_host(std::string(name));
  return net_for(h);
}

RunResult World::run_until_idle(std::uint64_t max_events) {
  RunResult r;
  while (!scheduler_.idle()) {
    if (r.events >= max_events) {
      r.livelock = true;
      return r;
    }
    scheduler_.step();
    ++r.events;
  }
  r.idle = true;
  return r;
}

RunResult World::run_until(Micros deadline, std::uint64_t max_events) {
  RunResult r;
  while (!scheduler_.idle() && scheduler_.next_time() <= deadline) {
    if (r.events >= max_events) {
      r.livelock = true;
      return r;
    }
    scheduler_.step();
    ++r.events;
  }
  scheduler_.advance_to(deadline);
  r.idle = scheduler_.idle();
  return r;
}

RunResult World::run_for(Micros span, std::uint64_t max_events) {
  return run_until(now() + (span < 0 ? 0 : span), max_events);
}

void World::install(const FaultPlan& plan) {
  for (const FaultAction& a : plan.actions) {
    scheduler_.schedule(a.at, [this, a] { apply(a); });
  }
}

void World::apply(const FaultAction& a) {
  Network& n = *network_;
  const int h = n.host_index(a.host);
  const int p = n.host_index(a.peer_host);
  switch (a.kind) {
    case FaultKind::kRefuse:
      if (h >= 0) n.refuse(h, a.endpoint, a.duration);
      break;
    case FaultKind::kBlackhole:
      if (h >= 0) n.blackhole(h, a.endpoint, a.duration);
      break;
    case FaultKind::kListenerRestart:
      if (h >= 0) n.restart_listener(h, a.endpoint, a.duration);
      break;
    case FaultKind::kDnsNxdomain: n.dns_nxdomain(a.name, a.duration); break;
    case FaultKind::kDnsTimeout: n.dns_timeout(a.name, a.duration); break;
    case FaultKind::kClog:
      if (h >= 0 && p >= 0) n.clog(h, p, a.duration);
      break;
    case FaultKind::kPartitionOneWay:
    case FaultKind::kPartitionTwoWay:
      if (h >= 0 && p >= 0) n.partition(h, p, a.kind == FaultKind::kPartitionTwoWay, a.duration);
      break;
    case FaultKind::kReset:
    case FaultKind::kHalfClose:
    case FaultKind::kStall: {
      const std::vector<std::uint64_t> live = n.live_connections();
      if (live.empty()) {
        record("fault", std::string(fault_kind_name(a.kind)) + " skipped: no live connection");
        break;
      }
      const std::uint64_t conn = live[rng_.below(live.size())];
      if (a.kind == FaultKind::kReset) n.reset(conn);
      else if (a.kind == FaultKind::kHalfClose) n.half_close(conn);
      else n.stall(conn, a.duration);
      break;
    }
  }
}

void World::violation(std::string text) {
  record("violation", text);
  violations_.push_back(std::move(text));
}

}  // namespace ss::sim
