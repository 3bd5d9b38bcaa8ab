#include "runtime/proto/mqtt/mqtt_client.h"

#include "runtime/core/planted.h"

namespace ss::proto::mqtt {

Client::Client(Options options) : options_(options), reader_(options.max_packet) {}

std::string describe(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ConnackEvent>) return describe(Packet(e.connack));
        if constexpr (std::is_same_v<T, MessageEvent>) return "message " + describe(Packet(e.publish));
        if constexpr (std::is_same_v<T, PubackEvent>) return "puback " + std::to_string(e.packet_id);
        if constexpr (std::is_same_v<T, PublishFailedEvent>) return "publish failed " + std::to_string(e.packet_id);
        if constexpr (std::is_same_v<T, SubackEvent>) return describe(Packet(e.suback));
        if constexpr (std::is_same_v<T, PingrespEvent>) return "pingresp";
        if constexpr (std::is_same_v<T, UnsubackEvent>) return "unsuback " + std::to_string(e.packet_id);
        if constexpr (std::is_same_v<T, ErrorEvent>) return "error " + e.message;
        if constexpr (std::is_same_v<T, ClosedEvent>) return "closed";
      },
      event);
}

Error Client::queue(const Packet& packet) {
  auto bytes = encode(packet);
  if (!bytes.ok()) return bytes.error();
  out_.insert(out_.end(), bytes->begin(), bytes->end());
  return {};
}

Error Client::connect(const Connect& connect) {
  if (started_) return make_error(ErrorCode::kState, "mqtt: connect() twice");
  if (Error e = queue(connect); !e.ok()) return e;
  started_ = true;
  return {};
}

std::uint16_t Client::next_id() {
  // Skip 0 and ids still waiting for their PUBACK or SUBACK.
  do {
    last_id_ = static_cast<std::uint16_t>(last_id_ + 1);
  } while (last_id_ == 0 || unacked_.count(last_id_) || pending_subs_.count(last_id_));
  return last_id_;
}

Result<std::uint16_t> Client::publish(std::string_view topic, std::span<const std::uint8_t> payload,
                                      std::uint8_t qos, bool retain, Micros now) {
  if (!started_ || dead_) return make_error(ErrorCode::kState, "mqtt: publish before connect or after an error");
  if (unacked_.size() + pending_subs_.size() >= 65535)
    return make_error(ErrorCode::kLimit, "mqtt: 65535 packet ids in use");
  Publish p{std::string(topic), {payload.begin(), payload.end()}, qos, retain, false, 0};
  if (qos == 1) p.packet_id = next_id();
  if (Error e = queue(p); !e.ok()) return e;
  if (qos == 1) unacked_.emplace(p.packet_id, Unacked{std::move(p), now, 0});
  return qos == 1 ? last_id_ : std::uint16_t{0};
}

Error Client::restore(std::vector<Publish> unacked) {
  if (started_) return make_error(ErrorCode::kState, "mqtt: restore() after connect()");
  for (Publish& p : unacked) {
    if (p.qos != 1 || p.packet_id == 0 || unacked_.count(p.packet_id))
      return make_error(ErrorCode::kInvalidArgument,
                        "mqtt: restore(): packet id " + std::to_string(p.packet_id) + " is not a distinct QoS 1 publish");
    const std::uint16_t id = p.packet_id;
    unacked_.emplace(id, Unacked{std::move(p), 0, 0});
  }
  return {};
}

void Client::resend_unacked(bool dup, Micros now) {
  if (dead_ || !connacked_) return;
  for (auto& [id, u] : unacked_) {
    u.publish.dup = dup;
    u.sent_at = now;
    u.resends = 0;
    (void)queue(u.publish);  // it encoded once already
  }
}

Result<std::uint16_t> Client::subscribe(std::string_view filter, std::uint8_t qos) {
  if (!started_ || dead_) return make_error(ErrorCode::kState, "mqtt: subscribe before connect or after an error");
  if (unacked_.size() + pending_subs_.size() >= 65535)
    return make_error(ErrorCode::kLimit, "mqtt: 65535 packet ids in use");
  Subscribe s{next_id(), {{std::string(filter), qos}}};
  if (Error e = queue(s); !e.ok()) return e;
  pending_subs_.insert(s.packet_id);
  return s.packet_id;
}

Result<std::uint16_t> Client::unsubscribe(std::string_view filter) {
  if (!started_ || dead_) return make_error(ErrorCode::kState, "mqtt: unsubscribe before connect or after an error");
  if (unacked_.size() + pending_subs_.size() >= 65535)
    return make_error(ErrorCode::kLimit, "mqtt: 65535 packet ids in use");
  Unsubscribe u{next_id(), {std::string(filter)}};
  if (Error e = queue(u); !e.ok()) return e;
  pending_subs_.insert(u.packet_id);
  pending_unsubs_.insert(u.packet_id);
  return u.packet_id;
}

Error Client::ping() {
  if (!started_ || dead_) return make_error(ErrorCode::kState, "mqtt: ping before connect or after an error");
  return queue(Pingreq{});
}

Error Client::disconnect() {
  if (!started_ || dead_) return make_error(ErrorCode::kState, "mqtt: disconnect before connect or after an error");
  Error e = queue(Disconnect{});
  dead_ = true;  // nothing may follow a DISCONNECT
  return e;
}

void Client::fail(ErrorCode code, std::string message, std::uint64_t offset) {
  events_.push_back(ErrorEvent{code, std::move(message), offset});
  dead_ = true;
}

void Client::receive_data(std::span<const std::uint8_t> bytes) {
  if (dead_ || eof_) return;
  if (bytes.empty()) {
    eof_ = true;
    if (reader_.buffered() > 0)
      return fail(ErrorCode::kParse,
                  "mqtt: the broker closed in the middle of the packet at byte " +
                      std::to_string(reader_.next_offset()),
                  reader_.next_offset());
    events_.push_back(ClosedEvent{});
    return;
  }
  reader_.receive_data(bytes);
  while (!dead_) {
    ReadResult r = reader_.next_packet();
    if (std::holds_alternative<NeedData>(r)) return;
    if (auto* e = std::get_if<DecodeError>(&r)) return fail(ErrorCode::kParse, e->message, e->offset);
    on_packet(std::get<Packet>(std::move(r)));
  }
}

void Client::on_packet(Packet packet) {
  const std::uint64_t at = reader_.last_packet_offset();
  if (auto* c = std::get_if<Connack>(&packet)) {
    if (connacked_) return fail(ErrorCode::kParse, "mqtt: a second CONNACK at byte " + std::to_string(at), at);
    connacked_ = true;
    events_.push_back(ConnackEvent{*c});
    if (c->return_code != 0) {
      static constexpr const char* kWhy[] = {"", "unacceptable protocol version", "client id rejected",
                                             "server unavailable", "bad user name or password", "not authorized"};
      fail(ErrorCode::kIo,
           "mqtt: the broker refused the connection: " + std::string(kWhy[c->return_code]) + " (CONNACK " +
               std::to_string(c->return_code) + " at byte " + std::to_string(at) + ")",
           at);
    }
    return;
  }
  if (!connacked_) return fail(ErrorCode::kParse, "mqtt: " + describe(packet) + " at byte " + std::to_string(at) + " before CONNACK", at);
  if (auto* p = std::get_if<Publish>(&packet)) {
    if (p->qos == 1 && !SS_PLANTED("mqtt-puback-owed")) (void)queue(Puback{p->packet_id});  // planted: never acked
    events_.push_back(MessageEvent{std::move(*p)});
  } else if (auto* a = std::get_if<Puback>(&packet)) {
    // An ack for an id no longer waiting (the broker acked a DUP resend as
    // well as the original) is dropped.
    if (unacked_.erase(a->packet_id)) events_.push_back(PubackEvent{a->packet_id});
  } else if (auto* u = std::get_if<Unsuback>(&packet)) {
    if (!pending_unsubs_.erase(u->packet_id))
      return fail(ErrorCode::kParse, "mqtt: UNSUBACK for packet id " + std::to_string(u->packet_id) +
                                         " at byte " + std::to_string(at) + ", which no UNSUBSCRIBE of ours used", at);
    pending_subs_.erase(u->packet_id);
    events_.push_back(UnsubackEvent{u->packet_id});
  } else if (auto* s = std::get_if<Suback>(&packet)) {
    if (pending_unsubs_.count(s->packet_id) || !pending_subs_.erase(s->packet_id))
      return fail(ErrorCode::kParse, "mqtt: SUBACK for packet id " + std::to_string(s->packet_id) +
                                         " at byte " + std::to_string(at) + ", which no SUBSCRIBE of ours used", at);
    if (s->return_codes.size() != 1)
      return fail(ErrorCode::kParse, "mqtt: SUBACK with " + std::to_string(s->return_codes.size()) +
                                         " return codes at byte " + std::to_string(at) + " for a SUBSCRIBE of one filter", at);
    events_.push_back(SubackEvent{std::move(*s)});
  } else if (std::holds_alternative<Pingresp>(packet)) {
    events_.push_back(PingrespEvent{});
  } else {
    fail(ErrorCode::kParse, "mqtt: a client never receives " + describe(packet) + " (at byte " + std::to_string(at) + ")", at);
  }
}

void Client::handle_timeout(Micros now) {
  if (dead_ || !connacked_) return;  // restored publishes wait for resend_unacked()
  for (auto it = unacked_.begin(); it != unacked_.end();) {
    Unacked& u = it->second;
    if (now - u.sent_at < options_.resend_after) {
      ++it;
      continue;
    }
    if (u.resends >= options_.max_resends) {
      events_.push_back(PublishFailedEvent{it->first});
      it = unacked_.erase(it);
      continue;
    }
    ++u.resends;
    u.sent_at = now;
    u.publish.dup = true;
    (void)queue(u.publish);  // it encoded once already
    ++it;
  }
}

std::optional<Event> Client::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::vector<std::uint8_t> Client::take_output() { return std::exchange(out_, {}); }

std::optional<Micros> Client::next_deadline() const {
  if (dead_ || !connacked_ || unacked_.empty()) return std::nullopt;
  std::optional<Micros> at;
  for (const auto& [id, u] : unacked_) {
    Micros due = u.sent_at + options_.resend_after;
    if (!at || due < *at) at = due;
  }
  return at;
}

}  // namespace ss::proto::mqtt
