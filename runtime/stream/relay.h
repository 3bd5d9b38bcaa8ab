// Relay and Link: a connection whose owner can change (the ConnectionPool
// parks and hands out wires; an h2 binding takes its attempt's wire for the
// streams it multiplexes) without touching the Net.
#pragma once

#include <memory>
#include <span>

#include "runtime/core/net.h"

namespace ss::stream {

// Forwards a connection's events to its current owner.
class Relay final : public ConnectionHandler {
 public:
  void set_target(ConnectionHandler* target) { target_ = target; }
  void on_connected() override {
    if (target_) target_->on_connected();
  }
  void on_data(std::span<const std::uint8_t> bytes) override {
    if (target_) target_->on_data(bytes);
  }
  void on_read_closed() override {
    if (target_) target_->on_read_closed();
  }
  void on_writable() override {
    if (target_) target_->on_writable();
  }
  void on_end(EndReason reason) override {
    if (target_) target_->on_end(reason);
  }

 private:
  ConnectionHandler* target_ = nullptr;
};

// A connection and its relay. The relay outlives the connection (declared
// first, destroyed last).
struct Link {
  std::unique_ptr<Relay> relay;
  std::unique_ptr<Connection> conn;
  explicit operator bool() const { return static_cast<bool>(conn); }
};

}  // namespace ss::stream
