#include "runtime/stream/shared_wires.h"

#include <algorithm>
#include <utility>

#include "runtime/core/planted.h"

namespace ss::stream {

SharedWires::Wire::Wire(SharedWires& owner, std::string key, Link link)
    : owner_(owner), key_(std::move(key)), link_(std::move(link)), id_(link_.conn ? link_.conn->id() : 0) {
  link_.relay->set_target(this);
}

bool SharedWires::Wire::write(std::span<const std::uint8_t> bytes) {
  if (over_ || !link_.conn) return false;
  return link_.conn->write(bytes);
}

void SharedWires::Wire::on_connected() {
  if (over_) return;
  up_ = true;
  // A rider may leave (or the wire end) while an earlier one starts.
  const auto riders = riders_;
  for (ConnectionHandler* r : riders) {
    if (over_) return;
    if (std::find(riders_.begin(), riders_.end(), r) != riders_.end()) r->on_connected();
  }
}

void SharedWires::Wire::on_data(std::span<const std::uint8_t> bytes) {
  if (!over_ && state_) state_->on_wire_data(bytes);
}

void SharedWires::Wire::on_writable() {
  if (!over_ && state_) state_->on_wire_writable();
}

void SharedWires::Wire::on_end(EndReason reason) {
  if (over_) return;
  over_ = true;
  owner_.retire(this);
  // Each rider ends as if it had the connection to itself; their attempts
  // are retired and leave (a no-op now) from inside.
  const auto riders = std::exchange(riders_, {});
  for (ConnectionHandler* r : riders) r->on_end(reason);
}

void SharedWires::Wire::close() {
  if (over_) return;
  over_ = true;
  if (link_.conn) link_.conn->close();
  owner_.retire(this);
}

SharedWires::~SharedWires() {
  for (auto& w : wires_) {
    w->link_.relay->set_target(nullptr);
    w->riders_.clear();
    w->over_ = true;
    if (w->link_.conn) w->link_.conn->close();
  }
}

SharedWires::Wire* SharedWires::find(const std::string& key) {
  auto it = live_.find(key);
  return it == live_.end() ? nullptr : it->second;
}

SharedWires::Wire* SharedWires::open(const std::string& key, Link link, ConnectionHandler* rider) {
  auto w = std::make_unique<Wire>(*this, key, std::move(link));
  Wire* raw = w.get();
  raw->riders_.push_back(rider);
  wires_.push_back(std::move(w));
  live_[key] = raw;
  return raw;
}

bool SharedWires::ride(Wire* wire, ConnectionHandler* rider) {
  wire->riders_.push_back(rider);
  return wire->up_;
}

void SharedWires::leave(Wire* wire, ConnectionHandler* rider) {
  auto& rs = wire->riders_;
  rs.erase(std::remove(rs.begin(), rs.end(), rider), rs.end());
  if (rs.empty() && !SS_PLANTED("wire-left-open")) wire->close();  // planted: kept open with no stream
}

void SharedWires::give_up(Wire* wire, ConnectionHandler* rider, EndReason reason) {
  if (wire->up_ || wire->over_) {
    leave(wire, rider);
    return;
  }
  auto& rs = wire->riders_;
  rs.erase(std::remove(rs.begin(), rs.end(), rider), rs.end());
  if (wire->link_.conn) wire->link_.conn->close();
  wire->on_end(reason);  // the other riders end as their own connect would
}

void SharedWires::retire(Wire* wire) {
  auto it = live_.find(wire->key_);
  if (it != live_.end() && it->second == wire) live_.erase(it);
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, wire] {
    if (alive.expired()) return;
    auto it = std::find_if(wires_.begin(), wires_.end(), [wire](const auto& w) { return w.get() == wire; });
    if (it != wires_.end()) wires_.erase(it);
  });
}

}  // namespace ss::stream
