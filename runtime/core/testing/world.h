// ConformanceWorld: what the seam conformance suite needs from a backend.
//
// The suite (loop_conformance.cc, net_conformance.cc) is written once
// against ss::Loop and ss::Net and linked with each backend through
// make_conformance_world(), which every backend's test target defines once:
//   posix_world.cc      -> //runtime/posix/testing:posix_conformance_test
//                          (real epoll, sockets, c-ares)
//   sim/sim_world.cc    -> //sim:sim_conformance_test (the simulated world)
// A behaviour that only one backend can show (IPv6, errno mapping, packet
// loss) belongs in that backend's own tests, not here.
//
// Time in the suite is loop time: budgets are generous upper bounds for the
// posix backend and exact virtual spans for the simulator; nothing asserts
// how long something took.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/core/endpoint.h"
#include "runtime/core/loop.h"
#include "runtime/core/net.h"

namespace ss::testing {

class ConformanceWorld {
 public:
  virtual ~ConformanceWorld() = default;

  virtual Loop& loop() = 0;
  // The client's and the server's Net (may be one object).
  virtual Net& client() = 0;
  virtual Net& server() = 0;

  // Where server() listens for TCP with port 0, and how client() reaches a
  // listener whose local() is `local`.
  virtual Endpoint tcp_listen_at() = 0;
  virtual Endpoint reachable(const Endpoint& local) = 0;
  // A TCP endpoint the client can reach but where nothing listens.
  virtual Endpoint refused_endpoint() = 0;
  // A fresh unix path / abstract name for a listener of `tag`.
  virtual std::string unix_path(std::string_view tag) = 0;
  virtual std::string abstract_name(std::string_view tag) = 0;
  // A DNS name that does not exist (NXDOMAIN).
  virtual std::string nxdomain_name() = 0;
  // A TCP endpoint where a connect gets no answer at all (so only the
  // connect timeout ends it), if the backend can make one; tests that need
  // it are skipped otherwise.
  virtual std::optional<Endpoint> blackhole_endpoint() { return std::nullopt; }

  // Runs the loop until done() holds or `budget` of loop time passed.
  // Returns done().
  virtual bool run_until(const std::function<bool()>& done, Micros budget) = 0;
  // Runs the loop for `span` of loop time (to see that nothing else fires).
  virtual void run_for(Micros span) = 0;
};

// Defined once per backend test target.
std::unique_ptr<ConformanceWorld> make_conformance_world();

}  // namespace ss::testing
