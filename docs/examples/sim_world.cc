// docs/sim.md, "The pieces": a simulated world with two hosts.
#include <cstdint>
#include <cstdio>

#include "sim/world.h"

int main() {
  ss::sim::WorldOptions o;
  o.seed = 42;
  ss::sim::World world(o);
  int client = world.add_host("client");          // 10.0.0.1, DNS "client"
  int server = world.add_host("server");          // 10.0.0.2, DNS "server"
  world.network().set_link(client, server, {ss::millis(20), 1'000'000});
  ss::Net& net = world.net_for(client);           // this host's Net
  (void)net;
  world.loop().after(ss::millis(5), [] {}, {"example", 0, "tick"});
  ss::sim::RunResult r = world.run_until_idle(1'000'000);  // r.livelock if it never settles
  std::uint64_t fingerprint = world.trace().hash();
  std::printf("%s %llu\n", r.livelock ? "livelock" : "idle", static_cast<unsigned long long>(fingerprint));
  return r.livelock ? 1 : 0;
}
