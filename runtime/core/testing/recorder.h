// Test handlers for the conformance suite: a ConnectionHandler that records
// every callback and flags contract breaks (anything after on_end, empty
// data), and an echo server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/core/net.h"

namespace ss::testing {

class Recorder : public ConnectionHandler {
 public:
  void on_connected() override { note("connected"); ++connected; }
  void on_data(std::span<const std::uint8_t> bytes) override {
    note("data");
    if (bytes.empty()) violations.push_back("empty on_data");
    data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void on_read_closed() override { note("read_closed"); ++read_closed; }
  void on_writable() override { note("writable"); ++writable; }
  void on_end(EndReason reason) override {
    note("end");
    ended = true;
    end_reason = reason;
  }

  std::vector<std::string> events;
  std::vector<std::string> violations;
  std::string data;
  int connected = 0;
  int read_closed = 0;
  int writable = 0;
  bool ended = false;
  EndReason end_reason = EndReason::kClosedLocally;

 private:
  void note(const char* what) {
    if (ended) violations.push_back(std::string(what) + " after on_end");
    events.push_back(what);
  }
};

// Accepts connections and echoes every byte back.
class EchoServer {
 public:
  struct Peer : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    std::string seen;
    bool ended = false;
    EndReason reason = EndReason::kClosedLocally;
    void on_data(std::span<const std::uint8_t> bytes) override {
      seen.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      conn->write(bytes);
    }
    void on_end(EndReason r) override {
      ended = true;
      reason = r;
    }
  };

  AcceptCallback acceptor() {
    return [this](std::unique_ptr<Connection> c) {
      auto peer = std::make_unique<Peer>();
      peer->conn = std::move(c);
      peer->conn->set_handler(peer.get());
      peers.push_back(std::move(peer));
    };
  }

  std::vector<std::unique_ptr<Peer>> peers;
};

}  // namespace ss::testing
