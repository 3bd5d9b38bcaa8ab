// MQTT 3.1.1 control packets: the data types, encode(), and PacketReader,
// which frames and strictly decodes a byte stream into packets.
//
// Both directions are here: the client core (mqtt_client.h) encodes
// CONNECT/PUBLISH/PUBACK/SUBSCRIBE/UNSUBSCRIBE/PINGREQ/DISCONNECT and
// decodes what a broker sends; the simulated broker (sim/peers) does the
// opposite with the same code. The layouts are those of the OASIS MQTT 3.1.1
// standard, summarised in docs/protocols.md "MQTT". QoS 2 is not
// implemented: decoding its packets is an error that says so.
//
// Decoding is strict (docs/protocols.md "MQTT" lists the checks): reserved
// fixed-header flags, QoS 3, DUP on QoS 0, packet id 0, lengths that run
// past the packet, trailing bytes, bad UTF-8 or U+0000 in strings,
// wildcards in a PUBLISH topic. Every DecodeError names the packet and the
// byte offset (from the first byte ever given to the reader) where it went
// wrong. Memory is bounded: a packet whose remaining length is over
// max_packet is refused from its fixed header, before its body is buffered.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/core/result.h"

namespace ss::proto::mqtt {

enum class PacketType : std::uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
};
const char* packet_name(std::uint8_t type);

// The largest remaining length a 4-byte varint can say (MQTT 3.1.1 §2.2.3).
inline constexpr std::uint32_t kMaxRemainingLength = 268'435'455;
inline constexpr std::uint8_t kSubackFailure = 0x80;

struct Will {
  std::string topic;
  std::vector<std::uint8_t> message;
  std::uint8_t qos = 0;
  bool retain = false;
  bool operator==(const Will&) const = default;
};

struct Connect {
  std::string client_id;
  std::uint16_t keep_alive = 0;  // seconds; 0 = off
  bool clean_session = true;
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<std::vector<std::uint8_t>> password;  // only with a username
  bool operator==(const Connect&) const = default;
};

struct Connack {
  bool session_present = false;
  std::uint8_t return_code = 0;  // 0 accepted; 1..5 refused (§3.2.2.3)
  bool operator==(const Connack&) const = default;
};

struct Publish {
  std::string topic;
  std::vector<std::uint8_t> payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // QoS 1 only
  bool operator==(const Publish&) const = default;
};

struct Puback {
  std::uint16_t packet_id = 0;
  bool operator==(const Puback&) const = default;
};

struct Subscription {
  std::string filter;
  std::uint8_t qos = 0;
  bool operator==(const Subscription&) const = default;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  std::vector<Subscription> topics;  // at least one
  bool operator==(const Subscribe&) const = default;
};

struct Suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> return_codes;  // granted QoS, or kSubackFailure
  bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;  // at least one
  bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
  std::uint16_t packet_id = 0;
  bool operator==(const Unsuback&) const = default;
};

struct Pingreq {
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  bool operator==(const Pingresp&) const = default;
};
struct Disconnect {
  bool operator==(const Disconnect&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Subscribe, Suback, Pingreq, Pingresp, Disconnect,
                            Unsubscribe, Unsuback>;

std::string describe(const Packet& packet);

// The bytes of one packet. Fails (kInvalidArgument) on what the standard
// forbids us to send: QoS over 1, a string over 65535 bytes, a QoS 1
// publish or a subscribe with packet id 0, an empty subscribe, a password
// without a username, a packet over kMaxRemainingLength.
Result<std::vector<std::uint8_t>> encode(const Packet& packet);

// Whether `topic` may be published to (MQTT 3.1.1 §4.7): not empty, no
// '+' or '#', valid UTF-8 without U+0000, at most 65535 bytes.
Error check_topic_name(std::string_view topic);
// Whether `filter` may be subscribed to: as a topic name, but '+' may be a
// whole level and '#' the whole last level.
Error check_topic_filter(std::string_view filter);

// Whether `topic` (a valid topic name) matches `filter` (a valid filter):
// '+' stands for one level, a last '#' for any number (also none), and a
// wildcard never matches a topic starting with '$' at the first level
// (MQTT 3.1.1 §4.7.1, §4.7.2).
bool topic_matches(std::string_view filter, std::string_view topic);

struct NeedData {
  bool operator==(const NeedData&) const = default;
};
struct DecodeError {
  std::string message;   // "mqtt: PUBLISH at byte 14: ..."
  std::uint64_t offset;  // from the first byte given to the reader
  bool operator==(const DecodeError&) const = default;
};
using ReadResult = std::variant<NeedData, Packet, DecodeError>;

class PacketReader {
 public:
  // max_packet: the largest remaining length accepted (<= kMaxRemainingLength).
  explicit PacketReader(std::uint32_t max_packet) : max_packet_(max_packet) {}

  void receive_data(std::span<const std::uint8_t> bytes);
  // The next whole packet, NeedData, or the error. After an error the
  // reader is dead: it returns the same error again.
  ReadResult next_packet();
  // Bytes received and not yet returned as packets.
  std::size_t buffered() const { return in_.size() - pos_; }
  // Stream offset of the first byte of the packet next_packet() last returned.
  std::uint64_t last_packet_offset() const { return last_packet_at_; }
  // Stream offset of the first byte not yet returned as a packet.
  std::uint64_t next_offset() const { return consumed_; }

 private:
  std::uint32_t max_packet_;
  std::vector<std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::uint64_t consumed_ = 0;  // stream offset of in_[pos_]
  std::uint64_t last_packet_at_ = 0;
  std::optional<DecodeError> error_;
};

}  // namespace ss::proto::mqtt
