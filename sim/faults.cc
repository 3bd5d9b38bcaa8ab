#include "sim/faults.h"

#include "sim/trace.h"

namespace ss::sim {

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kRefuse: return "refuse";
    case FaultKind::kBlackhole: return "blackhole";
    case FaultKind::kDnsNxdomain: return "dns_nxdomain";
    case FaultKind::kDnsTimeout: return "dns_timeout";
    case FaultKind::kReset: return "reset";
    case FaultKind::kHalfClose: return "half_close";
    case FaultKind::kStall: return "stall";
    case FaultKind::kClog: return "clog";
    case FaultKind::kPartitionOneWay: return "partition_one_way";
    case FaultKind::kPartitionTwoWay: return "partition_two_way";
    case FaultKind::kListenerRestart: return "listener_restart";
  }
  return "?";
}

std::string FaultAction::to_string() const {
  std::string out = "at=" + std::to_string(at) + "us " + fault_kind_name(kind);
  switch (kind) {
    case FaultKind::kRefuse:
    case FaultKind::kBlackhole:
    case FaultKind::kListenerRestart:
      out += " host=" + host + " endpoint=" + ss::to_string(endpoint);
      break;
    case FaultKind::kDnsNxdomain:
    case FaultKind::kDnsTimeout:
      out += " name=" + name;
      break;
    case FaultKind::kClog:
    case FaultKind::kPartitionOneWay:
    case FaultKind::kPartitionTwoWay:
      out += " host=" + host + " peer=" + peer_host;
      break;
    case FaultKind::kReset:
    case FaultKind::kHalfClose:
    case FaultKind::kStall:
      out += " conn=<live, drawn at apply time>";
      break;
  }
  if (kind != FaultKind::kReset && kind != FaultKind::kHalfClose) {
    out += " for=" + std::to_string(duration) + "us";
  }
  return out;
}

std::string FaultPlan::to_string() const {
  if (actions.empty()) return "  (no faults)\n";
  std::string out;
  for (const FaultAction& a : actions) out += "  " + a.to_string() + "\n";
  return out;
}

FaultPlan random_fault_plan(Rng& rng, const FaultSpace& space) {
  static const std::vector<FaultKind> kAll = [] {
    std::vector<FaultKind> all;
    for (int k = 0; k <= static_cast<int>(FaultKind::kListenerRestart); ++k) all.push_back(static_cast<FaultKind>(k));
    return all;
  }();
  return random_fault_plan(rng, space, kAll);
}

FaultPlan random_fault_plan(Rng& rng, const FaultSpace& space, const std::vector<FaultKind>& kinds) {
  FaultPlan plan;
  if (kinds.empty()) return plan;
  const int n = static_cast<int>(rng.between(0, space.max_actions));
  for (int i = 0; i < n; ++i) {
    FaultAction a;
    a.at = rng.between(0, space.horizon - 1);
    a.kind = kinds[rng.below(kinds.size())];
    a.duration = rng.between(1, space.max_duration);
    const bool listener_kind = a.kind == FaultKind::kRefuse || a.kind == FaultKind::kBlackhole ||
                               a.kind == FaultKind::kListenerRestart;
    const bool dns_kind = a.kind == FaultKind::kDnsNxdomain || a.kind == FaultKind::kDnsTimeout;
    const bool link_kind = a.kind == FaultKind::kClog || a.kind == FaultKind::kPartitionOneWay ||
                           a.kind == FaultKind::kPartitionTwoWay;
    if (listener_kind) {
      if (space.listeners.empty()) continue;
      const auto& l = space.listeners[rng.below(space.listeners.size())];
      a.host = l.first;
      a.endpoint = l.second;
    } else if (dns_kind) {
      if (space.names.empty()) continue;
      a.name = space.names[rng.below(space.names.size())];
    } else if (link_kind) {
      if (space.hosts.size() < 2) continue;
      const std::size_t x = rng.below(space.hosts.size());
      std::size_t y = rng.below(space.hosts.size() - 1);
      if (y >= x) ++y;
      a.host = space.hosts[x];
      a.peer_host = space.hosts[y];
    }
    plan.actions.push_back(std::move(a));
  }
  // Stable insertion sort by time: the plan's order is part of its identity.
  for (std::size_t i = 1; i < plan.actions.size(); ++i) {
    for (std::size_t j = i; j > 0 && plan.actions[j].at < plan.actions[j - 1].at; --j) {
      std::swap(plan.actions[j], plan.actions[j - 1]);
    }
  }
  return plan;
}

bool Buggify::fire(std::string_view site, Rng& rng) {
  if (!enabled_) return false;
  auto it = sites_.find(site);
  if (it == sites_.end()) {
    std::uint64_t state = seed_ ^ fnv1a64(site);
    const bool on = splitmix64(state) % 4 == 0;
    it = sites_.emplace(std::string(site), on).first;
  }
  return it->second && rng.chance(1, 4);
}

}  // namespace ss::sim
