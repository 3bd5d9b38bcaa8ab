#include "sim/testing/stream_world.h"

namespace ss::sim::testing {
namespace {

WorldOptions options(std::uint64_t seed) {
  WorldOptions o;
  o.seed = seed;
  o.segmentation = {Network::kMaxRead, Network::kMaxRead};  // writes arrive whole
  return o;
}

}  // namespace

StreamWorld::StreamWorld(std::uint64_t seed)
    : world(options(seed)),
      client(world.add_host("client")),
      net(world.loop(), world.net_for(client)),
      hosts_{world.add_host("echo-peer"), world.add_host("silent-peer"), world.add_host("refusing-peer"),
             world.add_host("blackholed-peer")},
      echo_(world, hosts_[0], Endpoint::tcp("0.0.0.0", kPort), true),
      silent_(world, hosts_[1], Endpoint::tcp("0.0.0.0", kPort), false) {
  if (Error e = echo_.start()) world.violation("StreamWorld echo server: " + e.message());
  if (Error e = silent_.start()) world.violation("StreamWorld silent server: " + e.message());
  const int blackholed = hosts_[static_cast<int>(HostMode::kBlackhole)];
  world.network().blackhole(blackholed, Endpoint::tcp(world.network().host_ip(blackholed), kPort), 0);
  set_mode("echo.test", HostMode::kEcho);
  set_mode("silent.test", HostMode::kSilent);
  set_mode("refused.test", HostMode::kRefuse);
  set_mode("blackhole.test", HostMode::kBlackhole);
}

void StreamWorld::set_mode(const std::string& name, HostMode mode) {
  if (mode == HostMode::kNxdomain) {
    world.network().add_dns(name, {});
    return;
  }
  world.network().add_dns(name, {world.network().host_ip(hosts_[static_cast<int>(mode)])});
}

PeerServer& StreamWorld::newest_server() { return silent_.newest() > echo_.newest() ? silent_ : echo_; }

bool StreamWorld::peer_send(const std::vector<std::uint8_t>& bytes) { return newest_server().send(bytes); }
bool StreamWorld::peer_reset() { return newest_server().reset(); }
bool StreamWorld::peer_close() { return newest_server().close(); }

}  // namespace ss::sim::testing
