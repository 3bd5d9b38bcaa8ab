// Simulated echo peers for the built-in scenario and the tests.
//
// EchoServer listens on one host and writes back every byte it reads. Its
// planted_bug option drops a byte that arrives as a 1-byte read (a real-world
// shape of bug: mishandling the smallest segment) so the campaign can show it
// catches such a bug with a reproducing seed.
//
// EchoClient connects, writes a payload in pieces at drawn times, and checks
// that what comes back is always a prefix of what it wrote; when the whole
// payload is back it closes. Violations go to World::violation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/net.h"
#include "sim/world.h"

namespace ss::sim {

class EchoServer {
 public:
  EchoServer(World& world, int host, Endpoint at, bool planted_bug = false);
  ~EchoServer();
  Error start();
  void stop() { listener_.reset(); }
  Endpoint local() const { return listener_ ? listener_->local() : at_; }
  std::uint64_t bytes_echoed() const { return echoed_; }

 private:
  struct Peer;
  void accept(std::unique_ptr<Connection> conn);

  World& world_;
  int host_;
  Endpoint at_;
  bool planted_bug_;
  bool dropped_ = false;
  std::uint64_t echoed_ = 0;
  std::unique_ptr<Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Peer>> peers_;
};

struct EchoClientOptions {
  Endpoint to;
  std::size_t payload = 1000;
  std::size_t max_piece = 512;       // write sizes drawn in [1, max_piece]
  Micros max_gap = millis(5);        // gaps between writes drawn in [0, max_gap]
  Micros start_at = 0;
  ConnectOptions connect;
};

class EchoClient : public ConnectionHandler {
 public:
  EchoClient(World& world, int host, std::string name, EchoClientOptions options);
  ~EchoClient() override;
  void start();

  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override {}
  void on_end(EndReason reason) override;

  bool done() const { return done_; }
  bool ended() const { return ended_; }
  EndReason reason() const { return reason_; }
  std::size_t received() const { return received_; }
  std::size_t written() const { return written_; }
  const std::string& name() const { return name_; }

 private:
  void write_next();

  World& world_;
  int host_;
  std::string name_;
  EchoClientOptions options_;
  Rng rng_;
  std::string payload_;
  std::size_t written_ = 0;
  std::size_t received_ = 0;
  bool done_ = false;
  bool ended_ = false;
  bool reported_ = false;
  EndReason reason_ = EndReason::kClosedLocally;
  std::unique_ptr<Connection> conn_;
  TimerId timer_;
};

}  // namespace ss::sim
