#include "sim/peers/mqtt_broker.h"

#include <algorithm>

namespace ss::sim::peers {

namespace mqtt = ss::proto::mqtt;

struct MqttBroker::Conn : ConnectionHandler {
  MqttBroker* broker = nullptr;
  std::uint64_t id = 0;
  std::unique_ptr<Connection> conn;
  mqtt::PacketReader reader{1 << 20};
  bool connected = false;  // CONNECT accepted
  bool clean_end = false;  // DISCONNECT received: no will
  bool gone = false;       // dropping: nothing more is read or sent
  bool frozen = false;     // freeze(): nothing read or sent, the socket kept open
  std::optional<mqtt::Will> will;
  std::vector<mqtt::Subscription> subs;
  std::uint16_t next_packet_id = 0;
  std::string client_id;
  bool keep_session = false;  // clean_session 0: subscriptions outlive the connection

  void send(const mqtt::Packet& p) {
    if (gone || frozen) return;
    auto bytes = mqtt::encode(p);
    if (bytes.ok()) conn->write(*bytes);
  }

  void end(bool publish_will) {
    if (gone) return;
    gone = true;
    settle_pubacks();
    if (publish_will && connected && !clean_end && will) {
      mqtt::Publish p{will->topic, will->message, will->qos, will->retain, false, 0};
      broker->received_.push_back(
          {p.topic, std::string(p.payload.begin(), p.payload.end()), p.qos, false, true, broker->listen_.loop().now()});
      broker->route(p);
    }
    broker->listen_.later(0, [b = broker, i = id] { b->drop(i); });
  }

  void on_data(std::span<const std::uint8_t> bytes) override {
    if (gone || frozen) return;
    reader.receive_data(bytes);
    while (!gone) {
      mqtt::ReadResult r = reader.next_packet();
      if (std::holds_alternative<mqtt::NeedData>(r)) return;
      if (auto* e = std::get_if<mqtt::DecodeError>(&r)) {
        broker->errors_.push_back(e->message);
        return end(true);
      }
      on_packet(std::get<mqtt::Packet>(std::move(r)));
    }
  }

  void on_packet(mqtt::Packet packet) {
    auto& b = *broker;
    if (auto* c = std::get_if<mqtt::Connect>(&packet)) {
      if (connected) {
        b.errors_.push_back("mqtt: a second CONNECT");
        return end(true);
      }
      b.clean_sessions_.push_back(c->clean_session);
      if (b.options_.silent) return;
      if (b.options_.refuse_code != 0) {
        send(mqtt::Connack{false, b.options_.refuse_code});
        return end(false);
      }
      client_id = c->client_id;
      keep_session = !c->clean_session;
      auto kept = b.sessions_.find(client_id);
      const bool present = keep_session && kept != b.sessions_.end();
      if (present) subs = kept->second;
      if (!keep_session && kept != b.sessions_.end()) b.sessions_.erase(kept);
      if (keep_session) b.sessions_.try_emplace(client_id);  // a session from now on, subscriptions or not
      send(mqtt::Connack{present, 0});
      connected = true;
      will = c->will;
      return;
    }
    if (!connected) {
      b.errors_.push_back("mqtt: " + mqtt::describe(packet) + " before CONNECT");
      return end(false);
    }
    if (auto* p = std::get_if<mqtt::Publish>(&packet)) {
      b.received_.push_back({p->topic, std::string(p->payload.begin(), p->payload.end()), p->qos, p->dup, false,
                             b.listen_.loop().now(), id, p->packet_id});
      if (p->qos == 1) {
        if (b.roll(b.options_.drop_puback_pct)) {
          ++b.pubacks_dropped_;
        } else {
          b.received_.back().acked = true;
          send(mqtt::Puback{p->packet_id});
        }
      }
      b.route(*p);
    } else if (auto* s = std::get_if<mqtt::Subscribe>(&packet)) {
      ++b.subscribes_;
      mqtt::Suback ack{s->packet_id, {}};
      if (b.options_.refuse_subscriptions) {
        ack.return_codes.assign(s->topics.size(), mqtt::kSubackFailure);
        return send(ack);
      }
      for (auto& t : s->topics) {
        t.qos = std::min<std::uint8_t>(t.qos, 1);
        ack.return_codes.push_back(t.qos);
        subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const auto& x) { return x.filter == t.filter; }),
                   subs.end());
        subs.push_back(t);
      }
      send(ack);
      if (keep_session) b.sessions_[client_id] = subs;
      for (const auto& [topic, msg] : b.retained_)
        for (const auto& t : s->topics)
          if (mqtt::topic_matches(t.filter, topic)) deliver(msg, t.qos, true);
    } else if (auto* u = std::get_if<mqtt::Unsubscribe>(&packet)) {
      ++b.unsubscribes_;
      for (const auto& f : u->filters)
        subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const auto& x) { return x.filter == f; }), subs.end());
      if (keep_session) b.sessions_[client_id] = subs;
      send(mqtt::Unsuback{u->packet_id});
    } else if (std::holds_alternative<mqtt::Pingreq>(packet)) {
      send(mqtt::Pingresp{});
    } else if (std::holds_alternative<mqtt::Disconnect>(packet)) {
      clean_end = true;
      end(false);
    } else if (auto* ack = std::get_if<mqtt::Puback>(&packet)) {
      // Our QoS 1 deliveries are not resent: the ack is only counted.
      b.awaiting_puback_.erase({id, ack->packet_id});
    } else {
      b.errors_.push_back("mqtt: a broker never receives " + mqtt::describe(packet));
      end(true);
    }
  }

  // One message to this subscriber at `qos`, with the broker's faults.
  void deliver(const mqtt::Publish& msg, std::uint8_t qos, bool retained) {
    if (gone || frozen) return;
    auto& b = *broker;
    mqtt::Publish out{msg.topic, msg.payload, qos, retained, false, 0};
    if (qos == 1) {
      do {
        ++next_packet_id;
      } while (next_packet_id == 0);
      out.packet_id = next_packet_id;
    }
    auto bytes = mqtt::encode(out);
    if (!bytes.ok()) return;
    if (b.roll(b.options_.close_mid_packet_pct)) {
      ++b.cuts_;
      conn->write(std::span<const std::uint8_t>(*bytes).first(bytes->size() / 2));
      return end(true);
    }
    conn->write(*bytes);
    if (qos == 1) b.awaiting_puback_.try_emplace({id, out.packet_id}, b.listen_.loop().now());
    if (qos == 1 && b.roll(b.options_.duplicate_pct)) {
      ++b.duplicates_;
      out.dup = true;
      send(out);
    }
  }

  void on_end(EndReason) override { end(true); }

  // The connection ends: what it still owes is missing if it had the time.
  void settle_pubacks() {
    auto& owed = broker->awaiting_puback_;
    const Micros now = broker->listen_.loop().now();
    for (auto it = owed.lower_bound({id, 0}); it != owed.end() && it->first.first == id;) {
      if (!frozen && now - it->second >= kPubackWait) ++broker->pubacks_missing_;
      it = owed.erase(it);
    }
  }
};

std::size_t MqttBroker::pubacks_missing() const {
  std::size_t n = pubacks_missing_;
  const Micros now = listen_.loop().now();
  for (const auto& [key, at] : awaiting_puback_) {
    auto c = conns_.find(key.first);
    if (c != conns_.end() && !c->second->frozen && now - at >= kPubackWait) ++n;
  }
  return n;
}

MqttBroker::MqttBroker(Loop& loop, Net& net, Endpoint at, MqttBrokerOptions options)
    : listen_(loop, net, std::move(at), "mqtt_broker"), options_(options), rng_(options.seed) {}

MqttBroker::~MqttBroker() { stop(); }

Error MqttBroker::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
}

void MqttBroker::stop(bool keep_sessions) {
  listen_.stop();
  conns_.clear();
  if (!keep_sessions) sessions_.clear();
}

void MqttBroker::freeze() {
  for (auto& [id, c] : conns_) c->frozen = true;
}

bool MqttBroker::roll(int pct) { return pct > 0 && rng_.below(100) < static_cast<std::uint64_t>(pct); }

void MqttBroker::accept(std::unique_ptr<Connection> c) {
  auto conn = std::make_unique<Conn>();
  conn->broker = this;
  conn->id = next_id_++;
  conn->reader = mqtt::PacketReader(options_.max_packet);
  conn->conn = std::move(c);
  conn->conn->set_handler(conn.get());
  ++accepted_;
  conns_[conn->id] = std::move(conn);
}

void MqttBroker::drop(std::uint64_t id) { conns_.erase(id); }

void MqttBroker::publish(const std::string& topic, const std::string& payload, std::uint8_t qos, bool retain) {
  mqtt::Publish p{topic, {payload.begin(), payload.end()}, qos, retain, false, 0};
  received_.push_back({topic, payload, qos, false, false, listen_.loop().now()});
  route(p);
}

void MqttBroker::route(const mqtt::Publish& p) {
  if (p.retain) {
    if (p.payload.empty()) {
      retained_.erase(p.topic);
    } else {
      retained_[p.topic] = p;
    }
  }
  for (auto& [id, c] : conns_) {
    if (!c->connected || c->gone) continue;
    // One delivery per client however many of its filters match, at the
    // highest QoS among them (MQTT 3.1.1 §3.3.5 allows either; one is simpler).
    std::optional<std::uint8_t> qos;
    for (const auto& s : c->subs)
      if (mqtt::topic_matches(s.filter, p.topic)) qos = std::max<std::uint8_t>(qos.value_or(0), s.qos);
    if (qos) c->deliver(p, std::min(p.qos, *qos), false);
  }
}

}  // namespace ss::sim::peers
