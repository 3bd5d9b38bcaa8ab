// RecordingNet: a Net that forwards to another one and records what the
// engine's tests check (docs/sim.md, "Test helpers"): when each connect()
// was called and when each connection ended, every byte written, every byte
// handed to on_data(), and how many connections are still open.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"

namespace ss::sim::testing {

class RecordingNet final : public Net {
 public:
  RecordingNet(Loop& loop, Net& inner) : loop_(loop), inner_(inner) {}

  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override;
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) override {
    return inner_.listen(at, std::move(on_accept));
  }
  ResolveId resolve(std::string_view name, ResolveCallback done) override {
    return inner_.resolve(name, std::move(done));
  }
  bool cancel_resolve(ResolveId id) override { return inner_.cancel_resolve(id); }

  std::uint64_t connects() const { return connect_times.size(); }
  // Connections neither ended nor closed nor destroyed.
  std::size_t live_connections() const { return live_; }

  std::vector<Micros> connect_times;  // each connect() call, in order
  std::vector<Micros> end_times;      // each on_end(), in order
  std::vector<std::uint8_t> delivered;  // every byte handed to on_data()
  // Every byte written, per connection id, in order.
  std::map<std::uint64_t, std::vector<std::uint8_t>> written;

 private:
  class Conn;
  Loop& loop_;
  Net& inner_;
  std::size_t live_ = 0;
};

}  // namespace ss::sim::testing
