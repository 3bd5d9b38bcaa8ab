// TroubleNet: a Net whose accepted connections misbehave the way a
// WorldSpec server's `trouble` says (sim/generator/world_spec.h), so any
// peer written against Net (RawEchoServer, HttpServer, WsEchoServer, and
// those behind TlsServerNet) gets the trouble unchanged:
//   kCloseEarly: the connection is closed (FIN) once `bytes` bytes of
//                response were written; later writes are dropped;
//   kSlow:       responses go out in pieces of `bytes` (at least 1) with a
//                pause of 5-50 ms (drawn from `rng`) before each next piece;
//                a close or shutdown waits for what is queued.
// Other troubles pass through (kRefuse and kBlackhole are no listener and
// a network blackhole: the runner never starts a server for them).
//
// RawEchoServer: the "echo" server kind, against Net (sim/echo.h's
// EchoServer takes a World host and cannot sit behind TLS or trouble).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "sim/generator/world_spec.h"
#include "sim/peers/pass_through_net.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::world {

class TroubleNet final : public peers::PassThroughNet {
 public:
  TroubleNet(Loop& loop, Net& inner, gen::ServerTrouble trouble, std::size_t bytes, Rng rng)
      : PassThroughNet(inner), loop_(loop), trouble_(trouble), bytes_(bytes), rng_(rng) {}

 private:
  void accepted(std::unique_ptr<Connection> c, const AcceptCallback& on_accept) override;

  Loop& loop_;
  gen::ServerTrouble trouble_;
  std::size_t bytes_;
  Rng rng_;
};

class RawEchoServer {
 public:
  RawEchoServer(Loop& loop, Net& net, Endpoint at);
  ~RawEchoServer();
  RawEchoServer(const RawEchoServer&) = delete;
  RawEchoServer& operator=(const RawEchoServer&) = delete;
  Error start();

 private:
  struct Peer;
  peers::PeerListener listen_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::uint64_t, std::unique_ptr<Peer>> peers_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ss::sim::world
