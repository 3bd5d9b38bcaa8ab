// The built-in echo scenario: 1-3 echo clients on their own hosts talk to
// 1-2 echo servers (by DNS name or by address) over links with drawn latency
// and bandwidth, under a drawn segmentation, a random fault plan and,
// on half the seeds, buggify.
//
// Invariants checked:
//   - what a client gets back is always a prefix of what it wrote (checked
//     on every read by EchoClient);
//   - at the end every client either has its whole payload back or its
//     connection ended with a reason (nothing hangs);
//   - with no fault plan and no buggify, every client completes;
//   - no livelock (run_seed).
#include <memory>
#include <string>
#include <vector>

#include "sim/echo.h"
#include "sim/scenario.h"

namespace ss::sim {
namespace {

struct ClientSpec {
  std::string host;
  std::string target;  // server host name or address
  int server = 0;
  EchoClientOptions options;
};

class EchoRun final : public ScenarioRun {
 public:
  EchoRun(std::uint64_t seed, bool planted_bug) : planted_bug_(planted_bug) {
    Rng rng(seed);
    Rng draw = rng.fork(0x6563686f);  // "echo": workload draws
    options_.seed = seed;
    options_.buggify = draw.chance(1, 2);
    options_.link.latency = draw.between(10, millis(20));
    options_.link.bytes_per_second =
        draw.chance(1, 3) ? 0 : static_cast<std::uint64_t>(draw.between(100'000, 50'000'000));
    const auto max_seg = static_cast<std::size_t>(draw.between(1, 4096));
    options_.segmentation = Segmentation{1, max_seg};
    servers_ = static_cast<int>(draw.between(1, 2));
    const int clients = static_cast<int>(draw.between(1, 3));
    for (int i = 0; i < clients; ++i) {
      ClientSpec c;
      c.host = "client-" + std::to_string(i + 1);
      c.server = static_cast<int>(draw.below(static_cast<std::uint64_t>(servers_)));
      const bool by_name = draw.chance(1, 2);
      const std::string server_name = "echo-" + std::to_string(c.server + 1);
      c.target = by_name ? server_name : server_ip(c.server);
      c.options.to = Endpoint::tcp(c.target, 7);
      c.options.payload = static_cast<std::size_t>(draw.between(1, 20000));
      c.options.max_piece = static_cast<std::size_t>(draw.between(1, 4096));
      c.options.max_gap = draw.between(0, millis(10));
      c.options.start_at = draw.between(0, millis(50));
      c.options.connect.connect_timeout = seconds(3);
      c.options.connect.high_watermark = static_cast<std::size_t>(draw.between(1024, 65536));
      c.options.connect.low_watermark = c.options.connect.high_watermark / 4;
      specs_.push_back(c);
    }
    FaultSpace space;
    for (int s = 0; s < servers_; ++s) {
      space.hosts.push_back("echo-" + std::to_string(s + 1));
      space.listeners.push_back({"echo-" + std::to_string(s + 1), Endpoint::tcp(server_ip(s), 7)});
      space.names.push_back("echo-" + std::to_string(s + 1));
    }
    for (const auto& c : specs_) space.hosts.push_back(c.host);
    space.horizon = millis(200);
    space.max_actions = 5;
    plan_ = draw.chance(1, 4) ? FaultPlan{} : random_fault_plan(draw, space);
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out;
    out += "world: seed=" + std::to_string(options_.seed) +
           " buggify=" + (options_.buggify ? "on" : "off") +
           " link.latency=" + std::to_string(options_.link.latency) + "us" +
           " link.bandwidth=" + (options_.link.bytes_per_second == 0 ? std::string("unlimited")
                                                                     : std::to_string(options_.link.bytes_per_second) + "B/s") +
           " segmentation=[" + std::to_string(options_.segmentation.min) + "," +
           std::to_string(options_.segmentation.max) + "]\n";
    out += "servers: " + std::to_string(servers_) + " (echo-N at " + server_ip(0) + ".., port 7)" +
           (planted_bug_ ? " PLANTED BUG: a 1-byte read is dropped once" : "") + "\n";
    out += "workload:\n";
    for (const auto& c : specs_) {
      out += "  " + c.host + " -> " + to_string(c.options.to) +
             " payload=" + std::to_string(c.options.payload) +
             " max_piece=" + std::to_string(c.options.max_piece) +
             " max_gap=" + std::to_string(c.options.max_gap) + "us" +
             " start_at=" + std::to_string(c.options.start_at) + "us" +
             " watermarks=" + std::to_string(c.options.connect.high_watermark) + "/" +
             std::to_string(c.options.connect.low_watermark) + "\n";
    }
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    for (int s = 0; s < servers_; ++s) {
      const int h = world.add_host("echo-" + std::to_string(s + 1), server_ip(s));
      servers.push_back(std::make_unique<EchoServer>(world, h, Endpoint::tcp("0.0.0.0", 7), planted_bug_));
      if (Error e = servers.back()->start()) world.violation("echo server did not start: " + e.message());
    }
    for (const auto& c : specs_) {
      const int h = world.add_host(c.host);
      clients.push_back(std::make_unique<EchoClient>(world, h, c.host, c.options));
      clients.back()->start();
    }
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    for (const auto& c : clients) {
      if (!c->done() && !c->ended()) {
        world.violation(c->name() + ": neither complete nor ended at the end of the run (" +
                        std::to_string(c->received()) + "/" + std::to_string(c->written()) +
                        " bytes back)");
      } else if (calm && !c->done()) {
        world.violation(c->name() + ": ended " + end_reason_name(c->reason()) +
                        " with no fault injected");
      }
    }
  }

  std::vector<std::unique_ptr<EchoServer>> servers;
  std::vector<std::unique_ptr<EchoClient>> clients;

 private:
  static std::string server_ip(int s) { return "10.1.0." + std::to_string(s + 1); }

  bool planted_bug_;
  WorldOptions options_;
  int servers_ = 1;
  std::vector<ClientSpec> specs_;
  FaultPlan plan_;
};

class EchoScenario final : public Scenario {
 public:
  explicit EchoScenario(bool planted_bug) : planted_bug_(planted_bug) {}
  std::string name() const override { return planted_bug_ ? "echo-planted-bug" : "echo"; }
  std::string summary() const override {
    return planted_bug_ ? "echo with a deliberately broken server (drops a 1-byte read); must fail"
                        : "echo clients and servers over the faulty network";
  }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override {
    return std::make_unique<EchoRun>(seed, planted_bug_);
  }

 private:
  bool planted_bug_;
};

}  // namespace

std::unique_ptr<Scenario> make_echo_scenario(bool planted_bug) {
  return std::make_unique<EchoScenario>(planted_bug);
}

}  // namespace ss::sim
