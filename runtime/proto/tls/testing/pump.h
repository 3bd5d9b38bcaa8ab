// Pump: moves ciphertext between two TlsSessions in memory, in a fixed
// order (client first), until neither has anything to send. Records every
// byte that crossed, per direction, so tests can compare runs.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/tls.h"

namespace ss::proto::testing {

struct Wire {
  std::vector<std::uint8_t> client_to_server;
  std::vector<std::uint8_t> server_to_client;
};

// Returns the number of rounds that moved bytes. Stops after `max_rounds`.
inline int pump(TlsSession& client, TlsSession& server, Wire* wire, int max_rounds = 64) {
  int moved_rounds = 0;
  for (int round = 0; round < max_rounds; ++round) {
    std::vector<std::uint8_t> c2s;
    std::vector<std::uint8_t> s2c;
    client.take_ciphertext(&c2s);
    if (!c2s.empty()) server.receive_ciphertext(c2s);
    server.take_ciphertext(&s2c);
    if (!s2c.empty()) client.receive_ciphertext(s2c);
    if (c2s.empty() && s2c.empty()) break;
    ++moved_rounds;
    if (wire != nullptr) {
      wire->client_to_server.insert(wire->client_to_server.end(), c2s.begin(), c2s.end());
      wire->server_to_client.insert(wire->server_to_client.end(), s2c.begin(), s2c.end());
    }
  }
  return moved_rounds;
}

}  // namespace ss::proto::testing
