#include "runtime/proto/mqtt/mqtt_packet.h"

#include <algorithm>
#include <string_view>

#include "runtime/core/planted.h"

namespace ss::proto::mqtt {
namespace {

constexpr std::size_t kMaxString = 65535;

// --- UTF-8 (MQTT 3.1.1 §1.5.3: well-formed, no U+0000) --------------------

// Returns the index of the first bad byte, or npos when `s` is good.
std::size_t bad_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return i;
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += len;
  }
  return std::string_view::npos;
}

Error check_string(std::string_view what, std::string_view s) {
  if (s.size() > kMaxString)
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is " + std::to_string(s.size()) +
                                                       " bytes; MQTT strings are at most 65535");
  if (auto at = bad_utf8_at(s); at != std::string_view::npos)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(what) + " is not valid UTF-8 (or has U+0000) at byte " + std::to_string(at));
  return {};
}

// --- encoding ---------------------------------------------------------------

class Writer {
 public:
  void u8(std::uint8_t v) { body_.push_back(v); }
  void u16(std::uint16_t v) {
    body_.push_back(static_cast<std::uint8_t>(v >> 8));
    body_.push_back(static_cast<std::uint8_t>(v));
  }
  void bytes(std::span<const std::uint8_t> b) {  // u16 length + bytes
    u16(static_cast<std::uint16_t>(b.size()));
    body_.insert(body_.end(), b.begin(), b.end());
  }
  void str(std::string_view s) {
    bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  void raw(std::span<const std::uint8_t> b) { body_.insert(body_.end(), b.begin(), b.end()); }

  // Fixed header (type, flags, remaining length varint) + body.
  Result<std::vector<std::uint8_t>> finish(PacketType type, std::uint8_t flags) const {
    if (body_.size() > kMaxRemainingLength)
      return make_error(ErrorCode::kInvalidArgument, std::string(packet_name(static_cast<std::uint8_t>(type))) +
                                                         " of " + std::to_string(body_.size()) +
                                                         " bytes is over MQTT's 268435455");
    std::vector<std::uint8_t> out;
    out.reserve(body_.size() + 5);
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(type) << 4 | flags));
    std::size_t n = body_.size();
    do {
      std::uint8_t digit = n % 128;
      n /= 128;
      out.push_back(n > 0 ? digit | 0x80 : digit);
    } while (n > 0);
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  std::vector<std::uint8_t> body_;
};

Error bad(std::string what) { return make_error(ErrorCode::kInvalidArgument, "mqtt: " + std::move(what)); }

Result<std::vector<std::uint8_t>> encode_one(const Connect& c) {
  Writer w;
  w.str("MQTT");
  w.u8(4);  // protocol level 3.1.1
  // Planted: the clean_session flag inverted.
  std::uint8_t flags = c.clean_session != SS_PLANTED("mqtt-clean-inverted") ? 0x02 : 0;
  if (c.will) {
    if (c.will->qos > 1) return bad("will QoS " + std::to_string(c.will->qos) + " (0 or 1 supported)");
    if (Error e = check_topic_name(c.will->topic); !e.ok()) return bad("will topic: " + e.message());
    if (c.will->message.size() > kMaxString) return bad("will message over 65535 bytes");
    flags |= 0x04 | static_cast<std::uint8_t>(c.will->qos << 3) | (c.will->retain ? 0x20 : 0);
  }
  if (c.password && !c.username) return bad("a password needs a username (MQTT 3.1.1 §3.1.2.9)");
  if (c.username) flags |= 0x80;
  if (c.password) flags |= 0x40;
  w.u8(flags);
  w.u16(c.keep_alive);
  if (Error e = check_string("client id", c.client_id); !e.ok()) return bad(e.message());
  w.str(c.client_id);
  if (c.will) {
    w.str(c.will->topic);
    w.bytes(c.will->message);
  }
  if (c.username) {
    if (Error e = check_string("username", *c.username); !e.ok()) return bad(e.message());
    w.str(*c.username);
  }
  if (c.password) {
    if (c.password->size() > kMaxString) return bad("password over 65535 bytes");
    w.bytes(*c.password);
  }
  return w.finish(PacketType::kConnect, 0);
}

Result<std::vector<std::uint8_t>> encode_one(const Connack& c) {
  Writer w;
  w.u8(c.session_present ? 1 : 0);
  w.u8(c.return_code);
  return w.finish(PacketType::kConnack, 0);
}

Result<std::vector<std::uint8_t>> encode_one(const Publish& p) {
  if (p.qos > 1) return bad("publish QoS " + std::to_string(p.qos) + " (0 or 1 supported)");
  if (p.qos == 0 && (p.dup || p.packet_id != 0)) return bad("a QoS 0 publish has no DUP and no packet id");
  if (p.qos == 1 && p.packet_id == 0) return bad("a QoS 1 publish needs a packet id other than 0");
  if (Error e = check_topic_name(p.topic); !e.ok()) return bad("publish topic: " + e.message());
  Writer w;
  w.str(p.topic);
  if (p.qos == 1) w.u16(p.packet_id);
  w.raw(p.payload);
  // Planted: DUP never set on the wire.
  const bool dup = p.dup && !SS_PLANTED("mqtt-dup-lost");
  std::uint8_t flags = static_cast<std::uint8_t>((dup ? 0x08 : 0) | p.qos << 1 | (p.retain ? 1 : 0));
  return w.finish(PacketType::kPublish, flags);
}

Result<std::vector<std::uint8_t>> encode_one(const Puback& p) {
  Writer w;
  w.u16(p.packet_id);
  return w.finish(PacketType::kPuback, 0);
}

Result<std::vector<std::uint8_t>> encode_one(const Subscribe& s) {
  if (s.packet_id == 0) return bad("a subscribe needs a packet id other than 0");
  if (s.topics.empty()) return bad("a subscribe needs at least one topic filter");
  Writer w;
  w.u16(s.packet_id);
  for (const auto& t : s.topics) {
    if (Error e = check_topic_filter(t.filter); !e.ok()) return bad("subscribe filter: " + e.message());
    if (t.qos > 1) return bad("subscribe QoS " + std::to_string(t.qos) + " (0 or 1 supported)");
    w.str(t.filter);
    w.u8(t.qos);
  }
  return w.finish(PacketType::kSubscribe, 0x02);  // reserved flags 0010 (§3.8.1)
}

Result<std::vector<std::uint8_t>> encode_one(const Suback& s) {
  Writer w;
  w.u16(s.packet_id);
  w.raw(s.return_codes);
  return w.finish(PacketType::kSuback, 0);
}

Result<std::vector<std::uint8_t>> encode_one(const Unsubscribe& u) {
  if (u.packet_id == 0) return bad("an unsubscribe needs a packet id other than 0");
  if (u.filters.empty()) return bad("an unsubscribe needs at least one topic filter");
  Writer w;
  w.u16(u.packet_id);
  for (const auto& f : u.filters) {
    if (Error e = check_topic_filter(f); !e.ok()) return bad("unsubscribe filter: " + e.message());
    w.str(f);
  }
  return w.finish(PacketType::kUnsubscribe, 0x02);  // reserved flags 0010 (§3.10.1)
}

Result<std::vector<std::uint8_t>> encode_one(const Unsuback& u) {
  Writer w;
  w.u16(u.packet_id);
  return w.finish(PacketType::kUnsuback, 0);
}

Result<std::vector<std::uint8_t>> encode_one(const Pingreq&) { return Writer().finish(PacketType::kPingreq, 0); }
Result<std::vector<std::uint8_t>> encode_one(const Pingresp&) { return Writer().finish(PacketType::kPingresp, 0); }
Result<std::vector<std::uint8_t>> encode_one(const Disconnect&) {
  return Writer().finish(PacketType::kDisconnect, 0);
}

// --- decoding ---------------------------------------------------------------

// Reads one packet's body; every failure names the packet and the absolute
// byte offset.
class Cursor {
 public:
  Cursor(const char* packet, std::span<const std::uint8_t> body, std::uint64_t base)
      : packet_(packet), body_(body), base_(base) {}

  std::size_t left() const { return body_.size() - pos_; }
  std::uint64_t offset() const { return base_ + pos_; }

  DecodeError error_at(std::uint64_t at, const std::string& what) const {
    return DecodeError{"mqtt: " + std::string(packet_) + " at byte " + std::to_string(at) + ": " + what, at};
  }
  DecodeError error(const std::string& what) const { return error_at(offset(), what); }

  std::optional<DecodeError> need(std::size_t n, const char* field) const {
    if (left() >= n) return std::nullopt;
    return error(std::string(field) + " needs " + std::to_string(n) + " bytes, the packet has " +
                 std::to_string(left()) + " left");
  }
  std::uint8_t u8() { return body_[pos_++]; }
  std::uint16_t u16() {
    std::uint16_t v = static_cast<std::uint16_t>(body_[pos_] << 8 | body_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    auto s = body_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::span<const std::uint8_t> rest() { return take(left()); }

  // u16 length + bytes.
  std::variant<std::span<const std::uint8_t>, DecodeError> bytes(const char* field) {
    if (auto e = need(2, field)) return *e;
    std::uint64_t at = offset();
    std::size_t n = u16();
    if (left() < n)
      return error_at(at, std::string(field) + " length " + std::to_string(n) + " runs past the packet end (" +
                              std::to_string(left()) + " bytes left)");
    return take(n);
  }
  std::variant<std::string, DecodeError> str(const char* field) {
    std::uint64_t at = offset() + 2;
    auto b = bytes(field);
    if (auto* e = std::get_if<DecodeError>(&b)) return *e;
    auto s = std::get<std::span<const std::uint8_t>>(b);
    std::string v(s.begin(), s.end());
    if (auto bad_at = bad_utf8_at(v); bad_at != std::string_view::npos)
      return error_at(at + bad_at, std::string(field) + " is not valid UTF-8 (or has U+0000)");
    return v;
  }
  std::optional<DecodeError> packet_id(std::uint16_t& id) {
    if (auto e = need(2, "packet id")) return e;
    std::uint64_t at = offset();
    id = u16();
    if (id == 0) return error_at(at, "packet id 0 is not allowed");
    return std::nullopt;
  }
  std::optional<DecodeError> end() const {
    if (left() == 0) return std::nullopt;
    return error(std::to_string(left()) + " unexpected bytes at the end of the packet");
  }

 private:
  const char* packet_;
  std::span<const std::uint8_t> body_;
  std::uint64_t base_;
  std::size_t pos_ = 0;
};

#define SS_MQTT_TRY(expr)              \
  if (auto err_ = (expr)) return *err_;
#define SS_MQTT_GET(var, expr)                                      \
  auto var##_r = (expr);                                            \
  if (auto* e_ = std::get_if<DecodeError>(&var##_r)) return *e_;   \
  auto var = std::move(std::get<0>(var##_r));

using Decoded = std::variant<Packet, DecodeError>;

Decoded decode_connect(Cursor& c) {
  SS_MQTT_GET(name, c.str("protocol name"));
  if (name != "MQTT") return c.error("protocol name \"" + name + "\", expected \"MQTT\"");
  SS_MQTT_TRY(c.need(4, "protocol level, flags and keep-alive"));
  std::uint64_t level_at = c.offset();
  if (std::uint8_t level = c.u8(); level != 4)
    return c.error_at(level_at, "protocol level " + std::to_string(level) + ", expected 4 (3.1.1)");
  std::uint64_t flags_at = c.offset();
  std::uint8_t flags = c.u8();
  Connect out;
  out.keep_alive = c.u16();
  if (flags & 0x01) return c.error_at(flags_at, "reserved connect flag set");
  bool will = flags & 0x04;
  std::uint8_t will_qos = (flags >> 3) & 0x03;
  bool will_retain = flags & 0x20;
  if (!will && (will_qos || will_retain)) return c.error_at(flags_at, "will QoS/retain without a will");
  if (will_qos > 1) return c.error_at(flags_at, "will QoS " + std::to_string(will_qos) + " (0 or 1 supported)");
  if ((flags & 0x40) && !(flags & 0x80)) return c.error_at(flags_at, "password flag without username flag");
  out.clean_session = flags & 0x02;
  SS_MQTT_GET(id, c.str("client id"));
  out.client_id = std::move(id);
  if (will) {
    std::uint64_t topic_at = c.offset() + 2;
    SS_MQTT_GET(topic, c.str("will topic"));
    if (Error e = check_topic_name(topic); !e.ok()) return c.error_at(topic_at, "will topic: " + e.message());
    SS_MQTT_GET(msg, c.bytes("will message"));
    out.will = Will{std::move(topic), {msg.begin(), msg.end()}, will_qos, will_retain};
  }
  if (flags & 0x80) {
    SS_MQTT_GET(user, c.str("username"));
    out.username = std::move(user);
  }
  if (flags & 0x40) {
    SS_MQTT_GET(pw, c.bytes("password"));
    out.password = std::vector<std::uint8_t>(pw.begin(), pw.end());
  }
  SS_MQTT_TRY(c.end());
  return out;
}

Decoded decode_connack(Cursor& c) {
  SS_MQTT_TRY(c.need(2, "acknowledge flags and return code"));
  std::uint64_t at = c.offset();
  std::uint8_t ack = c.u8();
  if (ack & 0xFE) return c.error_at(at, "reserved acknowledge flags set");
  Connack out{static_cast<bool>(ack & 1), 0};
  at = c.offset();
  out.return_code = c.u8();
  if (out.return_code > 5) return c.error_at(at, "return code " + std::to_string(out.return_code) + " (0..5)");
  if (out.return_code != 0 && out.session_present)
    return c.error_at(at, "session present with a refusal (MQTT 3.1.1 §3.2.2.2)");
  SS_MQTT_TRY(c.end());
  return out;
}

Decoded decode_publish(Cursor& c, std::uint8_t flags, std::uint64_t flags_at) {
  Publish out;
  out.dup = flags & 0x08;
  out.qos = (flags >> 1) & 0x03;
  out.retain = flags & 0x01;
  if (out.qos == 3) return c.error_at(flags_at, "QoS 3 is not allowed");
  if (out.qos == 2) return c.error_at(flags_at, "QoS 2 is not supported (QoS 0 and 1 only)");
  if (out.qos == 0 && out.dup) return c.error_at(flags_at, "DUP set on a QoS 0 publish");
  std::uint64_t topic_at = c.offset() + 2;
  SS_MQTT_GET(topic, c.str("topic"));
  if (Error e = check_topic_name(topic); !e.ok()) return c.error_at(topic_at, "topic: " + e.message());
  out.topic = std::move(topic);
  if (out.qos == 1) SS_MQTT_TRY(c.packet_id(out.packet_id));
  auto payload = c.rest();
  out.payload.assign(payload.begin(), payload.end());
  return out;
}

Decoded decode_puback(Cursor& c) {
  Puback out;
  SS_MQTT_TRY(c.packet_id(out.packet_id));
  SS_MQTT_TRY(c.end());
  return out;
}

// One topic filter of a SUBSCRIBE or UNSUBSCRIBE, checked; an error names
// the filter's first byte.
std::variant<std::string, DecodeError> read_filter(Cursor& c) {
  const std::uint64_t at = c.offset() + 2;
  SS_MQTT_GET(filter, c.str("topic filter"));
  if (Error e = check_topic_filter(filter); !e.ok()) return c.error_at(at, "topic filter: " + e.message());
  return filter;
}

Decoded decode_subscribe(Cursor& c) {
  Subscribe out;
  SS_MQTT_TRY(c.packet_id(out.packet_id));
  if (c.left() == 0) return c.error("no topic filter (at least one is required)");
  while (c.left() > 0) {
    SS_MQTT_GET(filter, read_filter(c));
    SS_MQTT_TRY(c.need(1, "requested QoS"));
    std::uint64_t qos_at = c.offset();
    std::uint8_t qos = c.u8();
    if (qos > 2) return c.error_at(qos_at, "requested QoS byte " + std::to_string(qos) + " (0..2)");
    out.topics.push_back({std::move(filter), qos});
  }
  return out;
}

Decoded decode_suback(Cursor& c) {
  Suback out;
  SS_MQTT_TRY(c.packet_id(out.packet_id));
  if (c.left() == 0) return c.error("no return code (at least one is required)");
  while (c.left() > 0) {
    std::uint64_t at = c.offset();
    std::uint8_t rc = c.u8();
    if (rc > 2 && rc != kSubackFailure) return c.error_at(at, "return code " + std::to_string(rc) + " (0..2 or 128)");
    out.return_codes.push_back(rc);
  }
  return out;
}

Decoded decode_unsubscribe(Cursor& c) {
  Unsubscribe out;
  SS_MQTT_TRY(c.packet_id(out.packet_id));
  if (c.left() == 0) return c.error("no topic filter (at least one is required)");
  while (c.left() > 0) {
    SS_MQTT_GET(filter, read_filter(c));
    out.filters.push_back(std::move(filter));
  }
  return out;
}

Decoded decode_unsuback(Cursor& c) {
  Unsuback out;
  SS_MQTT_TRY(c.packet_id(out.packet_id));
  SS_MQTT_TRY(c.end());
  return out;
}

Decoded decode_body(std::uint8_t first, std::span<const std::uint8_t> body, std::uint64_t packet_at,
                    std::uint64_t body_at) {
  const std::uint8_t type = first >> 4;
  const std::uint8_t flags = first & 0x0F;
  Cursor c(packet_name(type), body, body_at);
  // Fixed-header flags: reserved values per packet type (§2.2.2).
  const bool reserved_0010 = type == static_cast<std::uint8_t>(PacketType::kSubscribe) ||
                             type == static_cast<std::uint8_t>(PacketType::kUnsubscribe);
  const std::uint8_t want = reserved_0010 ? 0x02 : 0x00;
  if (type != static_cast<std::uint8_t>(PacketType::kPublish) && flags != want)
    return c.error_at(packet_at, "fixed-header flags 0x" + std::string(1, "0123456789abcdef"[flags]) +
                                     ", expected 0x" + std::string(1, "0123456789abcdef"[want]));
  switch (static_cast<PacketType>(type)) {
    case PacketType::kConnect: return decode_connect(c);
    case PacketType::kConnack: return decode_connack(c);
    case PacketType::kPublish: return decode_publish(c, flags, packet_at);
    case PacketType::kPuback: return decode_puback(c);
    case PacketType::kSubscribe: return decode_subscribe(c);
    case PacketType::kSuback: return decode_suback(c);
    case PacketType::kPingreq:
      SS_MQTT_TRY(c.end());
      return Pingreq{};
    case PacketType::kPingresp:
      SS_MQTT_TRY(c.end());
      return Pingresp{};
    case PacketType::kDisconnect:
      SS_MQTT_TRY(c.end());
      return Disconnect{};
    case PacketType::kPubrec:
    case PacketType::kPubrel:
    case PacketType::kPubcomp:
      return c.error_at(packet_at, "QoS 2 packets are not supported");
    case PacketType::kUnsubscribe: return decode_unsubscribe(c);
    case PacketType::kUnsuback: return decode_unsuback(c);
  }
  return c.error_at(packet_at, "packet type " + std::to_string(type) + " is reserved");
}

Error check_topic(std::string_view what, std::string_view t) {
  if (t.empty()) return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is empty");
  return check_string(what, t);
}

}  // namespace

const char* packet_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {"reserved packet", "CONNECT", "CONNACK",  "PUBLISH",     "PUBACK",
                                           "PUBREC",          "PUBREL",  "PUBCOMP",  "SUBSCRIBE",   "SUBACK",
                                           "UNSUBSCRIBE",     "UNSUBACK", "PINGREQ", "PINGRESP",    "DISCONNECT",
                                           "reserved packet"};
  return kNames[type & 0x0F];
}

Error check_topic_name(std::string_view topic) {
  if (Error e = check_topic("topic", topic); !e.ok()) return e;
  if (auto w = topic.find_first_of("+#"); w != std::string_view::npos)
    return make_error(ErrorCode::kInvalidArgument,
                      "wildcard '" + std::string(1, topic[w]) + "' at byte " + std::to_string(w) +
                          " of a topic name (only filters may have them)");
  return {};
}

Error check_topic_filter(std::string_view filter) {
  if (Error e = check_topic("topic filter", filter); !e.ok()) return e;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char ch = filter[i];
    if (ch != '+' && ch != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level || (ch == '#' && i + 1 != filter.size()))
      return make_error(ErrorCode::kInvalidArgument,
                        "wildcard '" + std::string(1, ch) + "' at byte " + std::to_string(i) +
                            " must be a whole level ('#' the last one)");
  }
  return {};
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic[0] == '$' && !filter.empty() && (filter[0] == '+' || filter[0] == '#')) return false;
  std::size_t f = 0, t = 0;
  while (true) {
    const std::size_t fe = std::min(filter.find('/', f), filter.size());
    const std::string_view level = filter.substr(f, fe - f);
    if (level == "#") return true;  // the rest, or nothing ("a/#" matches "a")
    if (t > topic.size()) return false;
    const std::size_t te = std::min(topic.find('/', t), topic.size());
    if (level != "+" && level != topic.substr(t, te - t)) return false;
    const bool filter_done = fe == filter.size(), topic_done = te == topic.size();
    if (filter_done || topic_done) {
      if (filter_done && topic_done) return true;
      // "a/#" matches "a": the filter's next level is a last '#'.
      return topic_done && filter.substr(fe) == "/#";
    }
    f = fe + 1;
    t = te + 1;
  }
}

std::string describe(const Packet& packet) {
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Connect>) return "CONNECT " + p.client_id;
        if constexpr (std::is_same_v<T, Connack>) return "CONNACK rc=" + std::to_string(p.return_code);
        if constexpr (std::is_same_v<T, Publish>)
          return "PUBLISH " + p.topic + " qos=" + std::to_string(p.qos) + " id=" + std::to_string(p.packet_id) +
                 (p.dup ? " dup" : "") + (p.retain ? " retain" : "") + " " + std::to_string(p.payload.size()) + "B";
        if constexpr (std::is_same_v<T, Puback>) return "PUBACK id=" + std::to_string(p.packet_id);
        if constexpr (std::is_same_v<T, Subscribe>) return "SUBSCRIBE id=" + std::to_string(p.packet_id);
        if constexpr (std::is_same_v<T, Suback>) return "SUBACK id=" + std::to_string(p.packet_id);
        if constexpr (std::is_same_v<T, Unsubscribe>) return "UNSUBSCRIBE id=" + std::to_string(p.packet_id);
        if constexpr (std::is_same_v<T, Unsuback>) return "UNSUBACK id=" + std::to_string(p.packet_id);
        if constexpr (std::is_same_v<T, Pingreq>) return "PINGREQ";
        if constexpr (std::is_same_v<T, Pingresp>) return "PINGRESP";
        if constexpr (std::is_same_v<T, Disconnect>) return "DISCONNECT";
      },
      packet);
}

Result<std::vector<std::uint8_t>> encode(const Packet& packet) {
  return std::visit([](const auto& p) { return encode_one(p); }, packet);
}

void PacketReader::receive_data(std::span<const std::uint8_t> bytes) {
  if (error_) return;
  // Drop what was consumed before growing, so the buffer holds at most one
  // packet plus what came after it.
  // Planted: the start (1-2 bytes) of the next packet dropped with the old input.
  if (pos_ > 0 && (pos_ == in_.size() || (SS_PLANTED("mqtt-reader-tail-lost") && pos_ + 2 >= in_.size()))) {
    in_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ * 2 > in_.size()) {
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  in_.insert(in_.end(), bytes.begin(), bytes.end());
}

ReadResult PacketReader::next_packet() {
  if (error_) return *error_;
  const std::size_t avail = in_.size() - pos_;
  if (avail < 2) return NeedData{};
  const std::uint8_t first = in_[pos_];
  const char* name = packet_name(first >> 4);
  // Remaining length: 1..4 bytes, 7 bits each, low first (§2.2.3).
  std::uint32_t length = 0;
  std::size_t header = 1;
  for (int shift = 0;; shift += 7) {
    if (header == 5) {
      error_ = DecodeError{"mqtt: " + std::string(name) + " at byte " + std::to_string(consumed_ + 4) +
                               ": remaining length runs past 4 bytes",
                           consumed_ + 4};
      return *error_;
    }
    if (header >= avail) return NeedData{};
    const std::uint8_t digit = in_[pos_ + header];
    ++header;
    length |= static_cast<std::uint32_t>(digit & 0x7F) << shift;
    if (!(digit & 0x80)) break;
  }
  if (length > max_packet_) {
    error_ = DecodeError{"mqtt: " + std::string(name) + " at byte " + std::to_string(consumed_ + 1) +
                             ": remaining length " + std::to_string(length) + " is over the limit of " +
                             std::to_string(max_packet_),
                         consumed_ + 1};
    return *error_;
  }
  if (avail < header + length) return NeedData{};
  auto body = std::span<const std::uint8_t>(in_).subspan(pos_ + header, length);
  Decoded d = decode_body(first, body, consumed_, consumed_ + header);
  if (auto* e = std::get_if<DecodeError>(&d)) {
    error_ = *e;
    return *error_;
  }
  last_packet_at_ = consumed_;
  pos_ += header + length;
  consumed_ += header + length;
  return std::get<Packet>(std::move(d));
}

}  // namespace ss::proto::mqtt
