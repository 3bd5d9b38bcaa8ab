// The simulator backend of the seam conformance suite: one World, one host
// (the suite expects unix endpoints to be shared by client and server, and
// unix endpoints are per host in the sim) whose loopback link has 1 ms of
// latency and 50 MB/s, so every event really travels. Cross-host links are
// covered by sim_net_test.
#include <string>

#include "runtime/core/testing/world.h"
#include "sim/world.h"

namespace ss::testing {
namespace {

class SimConformanceWorld final : public ConformanceWorld {
 public:
  SimConformanceWorld() : world_(options()) {
    client_ = world_.add_host("box");
    server_ = client_;
    world_.network().set_loopback_link(sim::LinkParams{millis(1), 50'000'000});
  }

  Loop& loop() override { return world_.loop(); }
  Net& client() override { return world_.net_for(client_); }
  Net& server() override { return world_.net_for(server_); }
  Endpoint tcp_listen_at() override { return Endpoint::tcp("0.0.0.0", 0); }
  Endpoint reachable(const Endpoint& local) override { return local; }
  Endpoint refused_endpoint() override {
    return Endpoint::tcp(world_.network().host_ip(server_), 9);
  }
  std::string unix_path(std::string_view tag) override {
    return "/tmp/ss-sim-" + std::to_string(++counter_) + "-" + std::string(tag) + ".sock";
  }
  std::string abstract_name(std::string_view tag) override {
    return "ss-sim-" + std::to_string(++counter_) + "-" + std::string(tag);
  }
  std::string nxdomain_name() override { return "no-such-host.invalid"; }

  bool run_until(const std::function<bool()>& done, Micros budget) override {
    const Micros end = world_.now() + budget;
    while (!done()) {
      if (world_.scheduler().idle() || world_.scheduler().next_time() > end) {
        world_.run_until(end);
        return done();
      }
      world_.step();
    }
    return true;
  }
  void run_for(Micros span) override { world_.run_for(span); }

 private:
  static sim::WorldOptions options() {
    sim::WorldOptions o;
    o.seed = 7;
    return o;
  }

  sim::World world_;
  int client_ = 0;
  int server_ = 0;
  int counter_ = 0;
};

}  // namespace

std::unique_ptr<ConformanceWorld> make_conformance_world() {
  return std::make_unique<SimConformanceWorld>();
}

}  // namespace ss::testing
