// StreamWorld: a simulated World laid out for the stream engine's tests
// (docs/sim.md, "Test helpers"). Host "client" runs the code under test
// through a RecordingNet; four server hosts, all on TCP port 7, give one
// behaviour each:
//   kEcho      an echo server                          (host "echo-peer")
//   kSilent    accepts and never answers               (host "silent-peer")
//   kRefuse    no listener: connects are refused       (host "refusing-peer")
//   kBlackhole blackholed: connects time out            (host "blackholed-peer")
//   kNxdomain  the name does not resolve
// set_mode(name, mode) points a DNS name at one of them; at the start
// "echo.test", "silent.test", "refused.test" and "blackhole.test" point at
// the host their name says and "nxdomain.test" is unknown. Every run writes
// whole: one write arrives as one read, as the tests' byte-level
// expectations assume. Peer-side actions go to the newest open connection
// of the echo or silent server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/testing/peer_server.h"
#include "sim/testing/recording_net.h"
#include "sim/world.h"

namespace ss::sim::testing {

enum class HostMode { kEcho, kSilent, kRefuse, kBlackhole, kNxdomain };

class StreamWorld {
 public:
  static constexpr std::uint16_t kPort = 7;
  explicit StreamWorld(std::uint64_t seed = 1);

  // Points `name` at the host with that behaviour (kNxdomain: unregisters it).
  void set_mode(const std::string& name, HostMode mode);

  bool peer_send(const std::vector<std::uint8_t>& bytes);
  bool peer_reset();
  bool peer_close();

  Loop& loop() { return world.loop(); }

  World world;
  const int client;
  RecordingNet net;  // the client's Net

 private:
  PeerServer& newest_server();

  int hosts_[4];  // by HostMode kEcho .. kBlackhole
  PeerServer echo_;
  PeerServer silent_;
};

}  // namespace ss::sim::testing
