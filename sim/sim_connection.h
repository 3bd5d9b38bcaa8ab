// SimConnection / SimListener: the handles SimNet hands out. They hold only
// an id; the state lives in the Network, so a handle may be destroyed at any
// time (even inside its own callback) and events for it become no-ops. If the
// Network dies first, the handles are detached and become inert.
#pragma once

#include <cstdint>

#include "runtime/core/net.h"

namespace ss::sim {

class Network;

class SimConnection final : public Connection {
 public:
  SimConnection(Network* network, std::uint64_t id);
  ~SimConnection() override;
  void set_handler(ConnectionHandler* handler) override;
  bool write(std::span<const std::uint8_t> bytes) override;
  using Connection::write;
  std::size_t buffered() const override;
  void set_write_watermarks(std::size_t high, std::size_t low) override;
  void shutdown_write() override;
  void pause_reading(bool paused) override;
  void close() override;
  Endpoint peer() const override;
  std::uint64_t id() const override { return id_; }
  void detach() { network_ = nullptr; }

 private:
  Network* network_;
  std::uint64_t id_;
};

class SimListener final : public Listener {
 public:
  SimListener(Network* network, int host, std::string key, Endpoint local, std::uint64_t token);
  ~SimListener() override;
  Endpoint local() const override { return local_; }
  void detach() { network_ = nullptr; }

 private:
  Network* network_;
  int host_;
  std::string key_;
  Endpoint local_;
  std::uint64_t token_;
};

}  // namespace ss::sim
