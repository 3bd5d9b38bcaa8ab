// Client: the sans-IO MQTT 3.1.1 client core (one broker connection).
//
// Commands: connect(Connect) first; then publish(), subscribe(),
//           unsubscribe(), ping(), disconnect(). Each queues its packet's bytes.
// Inputs:   receive_data(bytes) (bytes from the broker; empty = EOF),
//           handle_timeout(now) (QoS 1 resends).
// Outputs:  next_event() (std::nullopt = nothing now), take_output(),
//           next_deadline().
//
// What it does for the caller:
//  - CONNACK: ConnackEvent; a refusal (return code 1..5) is followed by an
//    ErrorEvent and the core is dead.
//  - QoS 1 publishes are kept, with the time they were sent, until their
//    PUBACK (PubackEvent). With no PUBACK after resend_after, the publish
//    is sent again with DUP set; after max_resends resends and one more
//    resend_after with no PUBACK, PublishFailedEvent and it is dropped
//    (lws's LWS_MQTT_MAX_PUBLISH_RETRY; docs/protocols.md "MQTT").
//  - A PUBACK for an id we are not waiting for (the broker acking a DUP
//    resend as well as the original) is ignored, not an error.
//  - Incoming PUBLISH: MessageEvent; for QoS 1 our PUBACK is queued at once.
//    A DUP redelivery is handed over again (QoS 1 is at least once).
//  - SUBACK: SubackEvent with the granted codes (0x80 = refused).
//  - UNSUBACK: UnsubackEvent.
//  - Anything a broker may not send (CONNECT, SUBSCRIBE, PINGREQ,
//    DISCONNECT, UNSUBSCRIBE, a packet before CONNACK, a second CONNACK, a
//    SUBACK or UNSUBACK for an id we did not use) and every decoding error (mqtt_packet.h) is an
//    ErrorEvent naming the packet and byte offset; the core is then dead
//    and every later event is nothing.
//  - EOF: ClosedEvent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/core/fifo.h"
#include "runtime/core/result.h"
#include "runtime/core/time.h"
#include "runtime/proto/mqtt/mqtt_packet.h"

namespace ss::proto::mqtt {

struct Options {
  std::uint32_t max_packet = 256 * 1024;      // largest remaining length accepted from the broker
  Micros resend_after = 3 * kMicrosPerSecond;  // QoS 1: wait this long for PUBACK before a DUP resend
  int max_resends = 3;                         // then give up: PublishFailedEvent
};

struct ConnackEvent {
  Connack connack;
  bool operator==(const ConnackEvent&) const = default;
};
struct MessageEvent {
  Publish publish;
  bool operator==(const MessageEvent&) const = default;
};
struct PubackEvent {
  std::uint16_t packet_id = 0;
  bool operator==(const PubackEvent&) const = default;
};
struct PublishFailedEvent {  // resends ran out
  std::uint16_t packet_id = 0;
  bool operator==(const PublishFailedEvent&) const = default;
};
struct SubackEvent {
  Suback suback;
  bool operator==(const SubackEvent&) const = default;
};
struct UnsubackEvent {
  std::uint16_t packet_id = 0;
  bool operator==(const UnsubackEvent&) const = default;
};
struct PingrespEvent {
  bool operator==(const PingrespEvent&) const = default;
};
struct ErrorEvent {
  ErrorCode code = ErrorCode::kParse;
  std::string message;
  std::uint64_t offset = 0;  // byte offset in the broker's stream
  bool operator==(const ErrorEvent&) const = default;
};
struct ClosedEvent {
  bool operator==(const ClosedEvent&) const = default;
};
using Event = std::variant<ConnackEvent, MessageEvent, PubackEvent, PublishFailedEvent, SubackEvent, PingrespEvent,
                           ErrorEvent, ClosedEvent, UnsubackEvent>;

std::string describe(const Event& event);

class Client {
 public:
  explicit Client(Options options = {});

  // --- commands ---------------------------------------------------------
  Error connect(const Connect& connect);
  // Queues a PUBLISH. Returns the packet id (0 for QoS 0). `now` starts the
  // resend clock of a QoS 1 publish. Fails (kState) before connect() or
  // when dead, (kInvalidArgument) for what encode() refuses, (kLimit) when
  // 65535 QoS 1 publishes are already waiting.
  Result<std::uint16_t> publish(std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t qos,
                                bool retain, Micros now);
  Result<std::uint16_t> subscribe(std::string_view filter, std::uint8_t qos);
  Result<std::uint16_t> unsubscribe(std::string_view filter);
  Error ping();
  Error disconnect();

  // --- a session carried over from an earlier connection --------------
  // Before connect(): QoS 1 publishes an earlier connection sent and never
  // saw acknowledged. They keep their packet ids (no new publish takes one)
  // and go out again only when resend_unacked() is called.
  Error restore(std::vector<Publish> unacked);
  // After an accepted CONNACK: sends every publish still waiting again, in
  // packet id order, with DUP set when `dup` (the broker resumed the
  // session: MQTT 3.1.1 §4.4), else as new; each starts its resend clock
  // and count afresh at `now`.
  void resend_unacked(bool dup, Micros now);

  // --- inputs -----------------------------------------------------------
  void receive_data(std::span<const std::uint8_t> bytes);
  void handle_timeout(Micros now);

  // --- outputs ----------------------------------------------------------
  std::optional<Event> next_event();
  std::vector<std::uint8_t> take_output();
  std::optional<Micros> next_deadline() const;

  bool connack_received() const { return connacked_; }
  bool dead() const { return dead_; }
  std::size_t unacked() const { return unacked_.size(); }

 private:
  struct Unacked {
    Publish publish;
    Micros sent_at = 0;
    int resends = 0;
  };

  Error queue(const Packet& packet);
  void on_packet(Packet packet);
  void fail(ErrorCode code, std::string message, std::uint64_t offset);
  std::uint16_t next_id();

  Options options_;
  PacketReader reader_;
  bool started_ = false;
  bool connacked_ = false;
  bool dead_ = false;
  bool eof_ = false;
  std::uint16_t last_id_ = 0;
  std::map<std::uint16_t, Unacked> unacked_;  // by packet id; ordered so resends replay in a fixed order
  std::set<std::uint16_t> pending_subs_;    // SUBSCRIBE and UNSUBSCRIBE ids waiting for their ack
  std::set<std::uint16_t> pending_unsubs_;
  Fifo<Event> events_;
  std::vector<std::uint8_t> out_;
};

}  // namespace ss::proto::mqtt
