// PeerServer: the far end for the engine's tests on one simulated host. It
// accepts on an endpoint and echoes what it reads (or, silent, keeps it and
// never answers), and a test acts from the peer side on its newest open
// connection: send bytes, reset, or close (EOF after what is queued).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "runtime/core/net.h"
#include "sim/world.h"

namespace ss::sim::testing {

class PeerServer {
 public:
  PeerServer(World& world, int host, Endpoint at, bool echo);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;
  Error start();

  // Id of the newest open connection, 0 when there is none.
  std::uint64_t newest() const;
  // Peer-side actions on the newest open connection; false if there is none.
  bool send(const std::vector<std::uint8_t>& bytes);
  bool reset();
  bool close();

 private:
  struct Peer;
  Peer* newest_peer() const;

  World& world_;
  int host_;
  Endpoint at_;
  bool echo_;
  std::unique_ptr<Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Peer>> peers_;
};

}  // namespace ss::sim::testing
