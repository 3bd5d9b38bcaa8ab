// SessionMemory: what the mqtt binding keeps about one broker (one
// SharedWires key) from one connection to the next, as the MQTT 3.1.1
// client's session state (§4.1) is kept across network connections.
//
//   - the client id, drawn once (when no MQTT_CLIENT_ID blob names one), so
//     that a streamtype with mqtt_clean_start false can resume its session;
//   - the users' QoS 1 publishes sent and not yet acknowledged, with the
//     stream that published each: the next connection sends them again
//     (docs/protocols.md "MQTT", "Across connections");
//   - the outcome (acked or not) of such a publish settled while its
//     stream was not on the connection, until the stream comes back.
// A stream that ends on its own (destroyed, DISCONNECT_ME) takes its
// entries with it. Birth messages are per connection and are not kept.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/proto/mqtt/mqtt_packet.h"
#include "runtime/stream/binding.h"

namespace ss::proto::mqtt {

struct SessionMemory final : stream::WireMemory {
  struct Unacked {
    Publish publish;
    std::uint64_t stream_id = 0;  // who published it
  };

  std::string client_id;                                 // empty until the first CONNECT draws one
  std::map<std::uint16_t, Unacked> unacked;              // by packet id
  std::map<std::uint64_t, std::vector<bool>> owed;       // stream id -> outcomes, in the order they came

  std::vector<Publish> publishes() const {
    std::vector<Publish> out;
    for (const auto& [id, u] : unacked) out.push_back(u.publish);
    return out;
  }
  // The stream is gone for good: nothing more is kept or owed to it.
  void forget(std::uint64_t stream_id) {
    owed.erase(stream_id);
    for (auto it = unacked.begin(); it != unacked.end();)
      it = it->second.stream_id == stream_id ? unacked.erase(it) : std::next(it);
  }
};

}  // namespace ss::proto::mqtt
