// H2Server: a simulated HTTP/2 server (h2c with prior knowledge; wrap its
// Net in TlsServerNet for h2 over TLS), one H2ServerCore (nghttp2) per
// connection, written against ss::Net and ss::Loop only.
//
// What it serves:
//   GET  /bytes/<n>[/<tag>]  -> 200 with n bytes, byte i = (tag + i) % 251
//                               (h2_body_byte), so a client can check order
//   POST|PUT /echo           -> 200 with the request body
//   anything else            -> 404, empty
//
// Misbehaviours, drawn from `seed` (deterministic per run), each a percent
// chance per request (per connection for the last four):
//   goaway_pct  half the body, then GOAWAY naming this stream as the last:
//               streams above it are refused (the client retries them)
//               and the connection closes once the rest are done
//   rst_pct     half the body, then RST_STREAM(INTERNAL_ERROR)
//   flood_pct   50 PINGs and 50 empty SETTINGS before the response
//   starve_pct  the connection offers an initial window of 7 bytes (uploads
//               go in dribbles)
//   stall_pct   the connection stops reading for 2 s after its first request
//   dead_pct    the connection never answers (reads and drops everything)
//   kill_pct    the connection is reset mid-response
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "sim/peers/h2_server_core.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::peers {

std::uint8_t h2_body_byte(std::uint64_t tag, std::uint64_t i);

struct H2ServerOptions {
  std::uint64_t seed = 1;
  std::uint32_t max_concurrent_streams = 100;
  int goaway_pct = 0;
  int rst_pct = 0;
  int flood_pct = 0;
  int starve_pct = 0;
  int stall_pct = 0;
  int dead_pct = 0;
  int kill_pct = 0;
};

// What happened, for scenarios and tests.
struct H2ServerStats {
  std::size_t connections = 0;
  std::size_t requests = 0;
  std::size_t goaways = 0;
  std::size_t resets = 0;
  std::size_t floods = 0;
  std::size_t starved = 0;
  std::size_t stalls = 0;
  std::size_t dead = 0;
  std::size_t kills = 0;
  std::size_t pings_received = 0;
  std::vector<std::string> errors;  // what the server's nghttp2 refused
};

class H2Server {
 public:
  H2Server(Loop& loop, Net& net, Endpoint at, H2ServerOptions options = {});
  ~H2Server();
  H2Server(const H2Server&) = delete;
  H2Server& operator=(const H2Server&) = delete;

  Error start();
  void stop();  // stops listening and drops every connection
  Endpoint local() const { return listen_.local(); }
  // Every connection the server has now goes dead for good: it reads and
  // drops everything and sends nothing (no PING ACK), and stays open (a hung
  // server behind live TCP connections: only svalidhup finds it). New
  // connections are served as usual.
  void freeze();
  const H2ServerStats& stats() const { return stats_; }
  std::size_t open_connections() const { return conns_.size(); }

 private:
  struct Conn;
  void accept(std::unique_ptr<Connection> c);
  void drop(std::uint64_t id);
  bool roll(int pct);

  PeerListener listen_;
  H2ServerOptions options_;
  Rng rng_;
  std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::uint64_t next_id_ = 1;
  H2ServerStats stats_;
};

}  // namespace ss::sim::peers
