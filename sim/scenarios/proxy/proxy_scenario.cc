// "proxy": client processes talk to an SS proxy (ProxyServer, ProxyLink,
// the stream engine and the raw binding, exactly as ss-proxy runs them),
// whose onward streams reach an echo server over the faulty network.
//
// Workload (drawn from the seed, printed by describe()): 2-6 client
// processes on host "box", each with a behaviour: mostly good (stream
// "echo" or the opportunistic "echo-opp", 1-30 messages, each sent once
// everything sent before has come back), sometimes a misbehaving one (sends
// garbage after CREATE_RESULT, never sends STREAMTYPE, asks for a
// streamtype the policy lacks, sets undeclared metadata, sends half a frame
// and stalls). Every client but the half-frame one closes its link at a
// drawn time; that one must be dropped by the proxy's frame deadline. A random fault plan hits the echo
// server's host, link and listener during the first 3 s.
//
// Half of the good clients are built on ProxyClient, the real client glue
// (runtime/proxy/proxy_client.h), the others drive a ClientLink by hand.
//
// Invariants:
//   - what a good client received is a prefix of what it sent (no loss in
//     the middle, no duplication, no reordering, no corruption), and all of
//     it in a calm run (no faults, no buggify);
//   - every misbehaving client is disconnected by the proxy (the unknown
//     streamtype one after CREATE_RESULT "failed"), and the proxy counts
//     exactly the rule-breakers as dropped;
//   - onward stream states are legal (the engine reports to the World);
//   - when every client has gone: no link, no onward stream and no timer
//     is left (the run reaches idle).
#include "sim/scenarios/proxy/proxy_scenario.h"

#include <string>
#include <vector>

#include "runtime/proxy/server.h"
#include "sim/scenarios/proxy/proxy_bulk_scenario.h"
#include "sim/scenarios/proxy/rideshare_scenario.h"
#include "sim/testing/sim_link_client.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"
#include "sim/testing/sspc_client.h"
#include "sim/echo.h"

namespace ss::sim {
namespace {

using proxy::testing::Behaviour;
using proxy::testing::SimLinkClient;
using proxy::testing::SspcClient;

constexpr const char* kPolicy = R"({
  "release": "sim", "product": "ss-sim proxy scenario", "schema-version": 1,
  "retry": [{"r5": {"backoff": [200, 500, 1000], "conceal": 5, "jitterpc": 20}}],
  "s": [
    {"echo": {"endpoint": "echo-1", "port": 7, "protocol": "raw", "retry": "r5",
              "metadata": [{"tag": ""}]}},
    {"echo-opp": {"endpoint": "echo-1", "port": 7, "protocol": "raw", "retry": "r5",
                  "opportunistic": true, "metadata": [{"tag": ""}]}}
  ]
})";

const char* behaviour_name(Behaviour b) {
  switch (b) {
    case Behaviour::kGood: return "good";
    case Behaviour::kGarbageAfterCreate: return "garbage-after-create";
    case Behaviour::kSilent: return "silent";
    case Behaviour::kUnknownStreamtype: return "unknown-streamtype";
    case Behaviour::kUndeclaredMetadata: return "undeclared-metadata";
    case Behaviour::kHalfFrame: return "half-frame";
    case Behaviour::kBulk: return "bulk";
  }
  return "?";
}

struct ClientSpec {
  Behaviour behaviour = Behaviour::kGood;
  std::string streamtype = "echo";
  int messages = 1;
  Micros start_at = 0;
  Micros close_at = 0;
  bool sspc = false;  // a good client built on ProxyClient (the real client glue)
  std::int32_t credit_window = 0;  // > 0: an sspc client reading with manual credit (sim/testing/sspc_client.h)
};

class ProxyRun final : public ScenarioRun {
 public:
  explicit ProxyRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x70726f78);  // "prox"
    options_ = draw_world_options(seed, draw, 3, 4096);
    const int n = static_cast<int>(draw.between(2, 6));
    for (int i = 0; i < n; ++i) {
      ClientSpec c;
      if (draw.chance(1, 4)) c.behaviour = static_cast<Behaviour>(1 + draw.below(5));
      c.streamtype = draw.chance(1, 3) ? "echo-opp" : "echo";
      c.messages = static_cast<int>(draw.between(1, 30));
      c.start_at = draw.between(0, millis(500));
      c.close_at = draw.between(seconds(6), seconds(9));
      clients_.push_back(c);
    }
    const FaultSpace space = server_fault_space("echo-1", {Endpoint::tcp("0.0.0.0", 7)}, {"box"});
    plan_ = draw.chance(1, 4) ? FaultPlan{} : random_fault_plan(draw, space);
    for (auto& c : clients_) c.sspc = c.behaviour == Behaviour::kGood && draw.chance(1, 2);
    // Manual credit, from a fork of its own so the draws above stay what
    // they were: half of the ProxyClient ones read with a small window.
    Rng credit = rng.fork(0x63726564);  // "cred"
    for (auto& c : clients_)
      if (c.sspc && credit.chance(1, 2)) c.credit_window = static_cast<std::int32_t>(credit.between(3, 64));
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = describe_world(options_);
    out += "proxy: box @proxy.ss.lws; server: echo-1 (10.2.0.1:7)\nclients:\n";
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      const auto& c = clients_[i];
      out += "  client" + std::to_string(i + 1) + " " + behaviour_name(c.behaviour) + (c.sspc ? " (ProxyClient)" : "") +
             (c.credit_window ? " credit_window=" + std::to_string(c.credit_window) : "") + " " +
             c.streamtype + " messages=" + std::to_string(c.messages) +
             " start=" + std::to_string(c.start_at) + "us close=" + std::to_string(c.close_at) + "us\n";
    }
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    const int box = world.add_host("box", "10.1.0.1");
    const int server = world.add_host("echo-1", "10.2.0.1");
    echo_ = std::make_unique<EchoServer>(world, server, Endpoint::tcp("0.0.0.0", 7));
    if (Error e = echo_->start()) world.violation("echo server: " + e.message());

    if (!proxy_.start(world, box, kPolicy, options_.seed ^ 0x9e0, /*with_h1=*/false)) return;

    sims_.resize(clients_.size());
    sspcs_.resize(clients_.size());
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      world.loop().at(clients_[i].start_at, [this, &world, box, i] {
        const auto& c = clients_[i];
        if (c.sspc) {
          sspcs_[i] = std::make_unique<SspcClient>(world, world.net_for(box), c.messages, c.streamtype, c.credit_window);
        } else {
          sims_[i] = std::make_unique<SimLinkClient>(world, world.net_for(box), c.behaviour, c.messages,
                                                     c.streamtype);
        }
      }, {"client", i + 1, "start"});
      // A half-frame client never closes by itself: the proxy must drop it.
      if (clients_[i].behaviour == Behaviour::kHalfFrame) continue;
      world.loop().at(clients_[i].close_at, [this, i] {
        if (sims_[i]) sims_[i]->close();
        if (sspcs_[i]) sspcs_[i]->close();
      }, {"client", i + 1, "close"});
    }
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    std::uint64_t rule_breakers = 0;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      const auto& spec = clients_[i];
      const std::string name = "client" + std::to_string(i + 1) + "(" + behaviour_name(spec.behaviour) + ")";
      if (const SspcClient* p = sspcs_[i].get()) {
        check_good(world, name + "[sspc]", p->all_messages(), p->received, calm);
        continue;
      }
      const SimLinkClient* c = sims_[i].get();
      if (!c) {
        world.violation(name + ": never started");
        continue;
      }
      switch (spec.behaviour) {
        case Behaviour::kGood:
          check_good(world, name, c->all_messages(), c->received, calm);
          break;
        case Behaviour::kUnknownStreamtype:
          if (!c->create_failed) world.violation(name + ": no CREATE_RESULT failure");
          break;
        default:
          ++rule_breakers;
          if (!c->ended) world.violation(name + ": its link never ended (the proxy never dropped it)");
          if (!c->received.empty()) world.violation(name + ": got payload despite breaking the rules");
          break;
      }
    }
    // A fault aimed at a random live connection may end a rule-breaker's
    // link before the proxy catches it; then only "at most" holds.
    bool conn_faults = false;
    for (const auto& a : plan_.actions)
      conn_faults |= a.kind == FaultKind::kReset || a.kind == FaultKind::kHalfClose || a.kind == FaultKind::kStall;
    const auto& stats = proxy_.server->stats();
    if (stats.dropped_misbehaving > rule_breakers || (!conn_faults && stats.dropped_misbehaving != rule_breakers))
      world.violation("proxy dropped " + std::to_string(stats.dropped_misbehaving) +
                      " clients for misbehaving; " + std::to_string(rule_breakers) + " broke the rules");
    proxy_.check_empty(world);
  }

 private:
  WorldOptions options_;
  std::vector<ClientSpec> clients_;
  FaultPlan plan_;
  std::unique_ptr<EchoServer> echo_;
  SimProxyProcess proxy_;
  std::vector<std::unique_ptr<SimLinkClient>> sims_;
  std::vector<std::unique_ptr<SspcClient>> sspcs_;  // the clients built on ProxyClient

  // What a good client got back is a prefix of what it sent, and all of it
  // in a calm run.
  static void check_good(World& world, const std::string& name, const std::string& all,
                         const std::string& received, bool calm) {
    if (all.compare(0, received.size(), received) != 0 || received.size() > all.size())
      world.violation(name + ": received " + std::to_string(received.size()) +
                      " bytes that are not a prefix of what it sent");
    if (calm && received != all)
      world.violation(name + ": calm run, but only " + std::to_string(received.size()) + " of " +
                      std::to_string(all.size()) + " bytes came back");
  }
};

}  // namespace

std::unique_ptr<Scenario> make_proxy_scenario() {
  return std::make_unique<SimpleScenario<ProxyRun>>(
      "proxy", "client processes -> SS proxy (engine, raw) -> echo server, with misbehaving clients and faults");
}

void register_proxy_scenarios(ScenarioRegistry& registry) {
  registry.add(make_proxy_scenario());
  registry.add(make_proxy_bulk_scenario());
  registry.add(make_rideshare_scenario());
}

}  // namespace ss::sim
