// BulkSource: a raw TCP server that sends one fixed body to every client
// that connects, honouring write back-pressure, then closes (EOF). It reads
// and ignores whatever the client sends. Written against ss::Net and
// ss::Loop only, like the other peers.
//
// It is the "download" peer of raw streams: the client knows the body
// (bulk_pattern) and can check every byte and the end.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::peers {

// `size` bytes in which every 8-byte block spells its own index (hex, then
// '\n'), salted per `salt`: a lost, repeated or misplaced piece shows.
std::string bulk_pattern(std::size_t size, std::uint32_t salt);

class BulkSource {
 public:
  BulkSource(Loop& loop, Net& net, Endpoint at, std::string body);
  ~BulkSource();
  BulkSource(const BulkSource&) = delete;
  BulkSource& operator=(const BulkSource&) = delete;

  Error start();
  std::uint64_t connections() const { return accepted_; }

 private:
  struct Peer;
  void accept(std::unique_ptr<Connection> conn);

  PeerListener listen_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posted erases
  std::string body_;
  std::map<std::uint64_t, std::unique_ptr<Peer>> peers_;  // ordered: deterministic
  std::uint64_t next_id_ = 1;
  std::uint64_t accepted_ = 0;
};

}  // namespace ss::sim::peers
