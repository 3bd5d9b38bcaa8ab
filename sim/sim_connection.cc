#include "sim/sim_connection.h"

#include "sim/sim_net.h"

namespace ss::sim {

SimConnection::SimConnection(Network* network, std::uint64_t id) : network_(network), id_(id) {
  network_->handles_.insert(this);
}

SimConnection::~SimConnection() {
  close();
  if (network_ != nullptr) network_->handles_.erase(this);
}

void SimConnection::set_handler(ConnectionHandler* handler) {
  if (network_ != nullptr) network_->set_handler(id_, handler);
}

bool SimConnection::write(std::span<const std::uint8_t> bytes) {
  return network_ != nullptr && network_->write(id_, bytes);
}

std::size_t SimConnection::buffered() const {
  return network_ == nullptr ? 0 : network_->buffered(id_);
}

void SimConnection::shutdown_write() {
  if (network_ != nullptr) network_->shutdown_write(id_);
}

void SimConnection::set_write_watermarks(std::size_t high, std::size_t low) {
  if (network_ != nullptr) network_->set_write_watermarks(id_, high, low);
}

void SimConnection::pause_reading(bool paused) {
  if (network_ != nullptr) network_->pause_reading(id_, paused);
}

void SimConnection::close() {
  if (network_ != nullptr) network_->close(id_);
}

Endpoint SimConnection::peer() const { return network_ == nullptr ? Endpoint{} : network_->peer(id_); }

SimListener::SimListener(Network* network, int host, std::string key, Endpoint local,
                         std::uint64_t token)
    : network_(network), host_(host), key_(std::move(key)), local_(std::move(local)), token_(token) {
  network_->listener_handles_.insert(this);
}

SimListener::~SimListener() {
  if (network_ == nullptr) return;
  network_->unlisten({host_, key_}, token_);
  network_->listener_handles_.erase(this);
}

}  // namespace ss::sim
