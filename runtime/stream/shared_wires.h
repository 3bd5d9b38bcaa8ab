// SharedWires: connections several streams ride at once (binding.h,
// SharedWire; MQTT today).
//
// Why: libwebsockets puts every MQTT stream to one broker on one network
// connection (one CONNECT, each stream's SUBSCRIBE and PUBLISH on it). The
// engine keeps such wires next to its ConnectionPool, under the same keys
// (endpoint, TLS identity, ALPN), and each stream still has its own Attempt
// and Binding; only the wire is shared, as with keep-alive reuse.
//
// Rules
//   - One live wire per key. A stream whose binding shares_wire() rides the
//     key's wire when there is one (still connecting or up), else opens it.
//   - The wire's events go to the riders as a ConnectionHandler would get
//     them: on_connected() to each rider (at once for a rider that joins
//     an up wire, posted by the caller), on_end() to each on the wire's end.
//     Bytes and writability go to the protocol's WireState only.
//   - A rider leaves when its attempt is retired; the last one out closes
//     the wire (silently, like ConnectionPool::clear). A rider whose
//     deadline passes while the wire is still connecting takes it down
//     for all (give_up). A wire that ended or
//     closed leaves the registry at once; its objects are freed from the
//     loop, never inside their own callbacks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/stream/binding.h"
#include "runtime/stream/connection_pool.h"

namespace ss::stream {

class SharedWires {
 public:
  class Wire;

  explicit SharedWires(Loop& loop) : loop_(loop) {}
  ~SharedWires();
  SharedWires(const SharedWires&) = delete;
  SharedWires& operator=(const SharedWires&) = delete;

  // The live wire under `key`, or nullptr.
  Wire* find(const std::string& key);
  // A new wire under `key` (none may be live there) with `rider` first on
  // it. `link.relay` must already point its connection's events here: it
  // is retargeted to the wire.
  Wire* open(const std::string& key, Link link, ConnectionHandler* rider);
  // `rider` joins `wire`. True when the wire is already up: the caller then
  // gives the rider its on_connected() (from the loop).
  bool ride(Wire* wire, ConnectionHandler* rider);
  // `rider` leaves; the last rider out closes the wire.
  void leave(Wire* wire, ConnectionHandler* rider);
  // `rider` timed out on `wire`. A wire still connecting when a rider's
  // deadline passes is dead for every rider, as a connection of its own
  // would be: it is closed and the others end with `reason` (else later
  // streams would keep joining a connect that never completes). An up wire
  // is only left.
  void give_up(Wire* wire, ConnectionHandler* rider, EndReason reason);

  std::size_t live_count() const { return live_.size(); }

 private:
  friend class Wire;
  void retire(Wire* wire);  // out of the registry; freed from the loop

  Loop& loop_;
  // Declared before wires_ so that it is destroyed after them (a wire's
  // state may still refer to it).
  std::map<std::string, std::unique_ptr<WireMemory>> memory_;  // by key; kept after the wires
  std::map<std::string, Wire*> live_;             // by key
  std::vector<std::unique_ptr<Wire>> wires_;      // every wire not yet freed
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for posted frees
};

class SharedWires::Wire final : public ConnectionHandler, public SharedWire {
 public:
  Wire(SharedWires& owner, std::string key, Link link);

  // SharedWire
  WireState* state() override { return state_.get(); }
  void set_state(std::unique_ptr<WireState> state) override { state_ = std::move(state); }
  std::unique_ptr<WireMemory>& memory() override { return owner_.memory_[key_]; }
  bool write(std::span<const std::uint8_t> bytes) override;
  std::uint64_t id() const override { return id_; }
  std::size_t riders() const override { return riders_.size(); }

  // ConnectionHandler (the relay's target)
  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override;
  void on_end(EndReason reason) override;

  bool up() const { return up_; }
  bool over() const { return over_; }

 private:
  friend class SharedWires;
  void close();  // silent; the riders hear nothing from the wire any more

  SharedWires& owner_;
  std::string key_;
  Link link_;
  std::uint64_t id_ = 0;
  std::unique_ptr<WireState> state_;
  std::vector<ConnectionHandler*> riders_;  // in joining order
  bool up_ = false;
  bool over_ = false;  // ended or closed
};

}  // namespace ss::stream
