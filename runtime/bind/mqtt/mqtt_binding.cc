#include "runtime/bind/mqtt/mqtt_binding.h"

#include <algorithm>
#include <array>
#include <deque>

#include "runtime/bind/mqtt/mqtt_session.h"
#include "runtime/core/planted.h"
#include "runtime/stream/context.h"

namespace ss::proto::mqtt {
namespace {

using stream::HostVerdict;
using stream::TxPull;

constexpr std::size_t kTxChunk = 1540;
constexpr int kChunksPerTurn = 64;
constexpr std::size_t kMaxEarlyMessages = 256;  // rx waiting for CONNECTED

std::uint8_t wire_qos(int policy_qos) { return static_cast<std::uint8_t>(std::min(policy_qos, 1)); }

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class MqttBinding final : public stream::Binding, public SessionRider {
 public:
  explicit MqttBinding(stream::BindingHost& host) : host_(host) {}

  const char* name() const override { return "mqtt"; }
  std::vector<std::string> alpn() const override { return {"mqtt"}; }
  bool shares_wire() const override { return true; }

  // The wire is up (ours, or one other streams to this broker use already).
  void on_transport_connected() override {
    const auto& st = host_.streamtype();
    auto topic = host_.expand(st.mqtt_topic);
    auto sub = host_.expand(st.mqtt_subscribe);
    if (!topic.ok()) return fail("mqtt: mqtt_topic: " + topic.error().message());
    if (!sub.ok()) return fail("mqtt: mqtt_subscribe: " + sub.error().message());
    topic_ = *topic;
    subscribe_ = *sub;
    if (!st.mqtt_birth_topic.empty()) {
      auto bt = host_.expand(st.mqtt_birth_topic);
      auto bm = host_.expand(st.mqtt_birth_message);
      if (!bt.ok() || !bm.ok()) return fail("mqtt: birth: " + (bt.ok() ? bm.error() : bt.error()).message());
      birth_topic_ = *bt;
      birth_message_ = *bm;
    }
    stream::SharedWire* wire = host_.shared_wire();
    if (!wire) return fail("mqtt: the stream has no broker connection");
    session_ = dynamic_cast<Session*>(wire->state());
    if (!session_) {
      // The first stream on this connection: its CONNECT and timers are the session's.
      auto& kept = wire->memory();
      if (!dynamic_cast<SessionMemory*>(kept.get())) kept = std::make_unique<SessionMemory>();
      auto& memory = static_cast<SessionMemory&>(*kept);
      auto conn = connect_packet(memory);
      if (!conn.ok()) return fail(conn.error().message());
      auto s = std::make_unique<Session>(*wire, memory, host_.loop(), timers(), host_.stream_id());
      session_ = s.get();
      wire->set_state(std::move(s));
      if (Error e = session_->start(*conn); !e.ok()) {
        session_ = nullptr;
        return fail(e.message());
      }
    }
    session_->join(this);
  }

  // The session reads and writes the shared wire; a rider never does.
  void on_transport_data(std::span<const std::uint8_t>) override {}
  void on_transport_writable() override {}

  void on_tx_requested() override { pump(); }

  EndInfo on_transport_end(EndReason reason) override {
    stopped_ = true;
    if (session_) session_->leave(this, reason == EndReason::kClosedLocally);
    session_ = nullptr;
    return EndInfo{};
  }

  // --- SessionRider -----------------------------------------------------
  stream::BindingHost& host() override { return host_; }
  bool connected() const override { return ready_; }

  // After CONNACK: subscribe and send the birth message.
  void on_session_up() override {
    if (stopped_ || !session_) return;
    const auto& st = host_.streamtype();
    if (!subscribe_.empty()) {
      waiting_suback_ = true;
      session_->subscribe(this, subscribe_, wire_qos(st.mqtt_qos));
      if (stopped_) return;
    }
    if (!birth_topic_.empty()) {
      auto id = session_->publish(this, birth_topic_, as_bytes(birth_message_), wire_qos(st.mqtt_birth_qos),
                                  st.mqtt_birth_retain, /*keep=*/false);
      if (!id.ok()) return fail("mqtt: birth message: " + id.error().message());
      birth_id_ = *id;  // 0: QoS 0, nothing to wait for
    }
    maybe_connected();
  }

  void on_subscribed(bool granted) override {
    if (stopped_) return;
    if (!granted) return fail("mqtt: the broker refused the subscription to \"" + subscribe_ + "\"");
    waiting_suback_ = false;
    maybe_connected();
  }

  void on_message(const Publish& p) override {
    if (stopped_) return;
    if (!ready_) {
      if (early_.size() == kMaxEarlyMessages)
        return fail("mqtt: over " + std::to_string(kMaxEarlyMessages) + " messages before CONNECTED");
      early_.push_back(p);
    } else if (deliver(p) == HostVerdict::kStop) {
      stop();
    }
  }

  void on_settled(std::uint16_t id, bool acked) override {
    if (stopped_) return;
    if (birth_id_ != 0 && id == birth_id_) {
      if (!acked) return fail("mqtt: the birth message was never acknowledged");
      birth_id_ = 0;
      return maybe_connected();
    }
    if (settled(acked) == HostVerdict::kStop) stop();
  }

  void on_writable() override { pump(); }

  void on_failed(const std::string& why) override { fail(why); }

 private:
  SessionTimers timers() const {
    SessionTimers t;
    if (const auto* rp = host_.policy().retry_of(host_.streamtype())) {
      t.ping_after = seconds(rp->secs_since_valid_ping);
      t.hangup_after = seconds(rp->secs_since_valid_hangup);
    }
    t.keep_alive = seconds(host_.streamtype().mqtt_keep_alive);
    // How long a PINGREQ may go unanswered: the interval that asks for
    // pings (the shorter one when both are set).
    t.pingresp_wait = t.ping_after && t.keep_alive ? std::min(t.ping_after, t.keep_alive)
                                                   : std::max(t.ping_after, t.keep_alive);
    if (SS_PLANTED("mqtt-pingresp-ignored")) t.pingresp_wait = 0;
    return t;
  }

  Result<Connect> connect_packet(SessionMemory& memory) {
    const auto& st = host_.streamtype();
    Connect c;
    if (auto id = host_.system_blob(stream::BlobType::kMqttClientId); id && !id->empty()) {
      c.client_id = std::string(*id);
    } else {
      // Drawn once per broker: a kept session (mqtt_clean_start false)
      // is found again by its client id.
      if (memory.client_id.empty()) {
        static constexpr char kHex[] = "0123456789abcdef";
        memory.client_id = "ss-";
        std::uint64_t r = host_.rng().next_u64();
        for (int i = 0; i < 16; ++i, r >>= 4) memory.client_id += kHex[r & 0xF];
      }
      c.client_id = memory.client_id;
    }
    if (auto user = host_.system_blob(stream::BlobType::kMqttUsername); user && !user->empty()) {
      c.username = std::string(*user);
      if (auto pw = host_.system_blob(stream::BlobType::kMqttPassword); pw && !pw->empty())
        c.password = std::vector<std::uint8_t>(pw->begin(), pw->end());
    }
    c.keep_alive = st.mqtt_keep_alive;
    c.clean_session = st.mqtt_clean_start;
    if (!st.mqtt_will_topic.empty()) {
      auto wt = host_.expand(st.mqtt_will_topic);
      auto wm = host_.expand(st.mqtt_will_message);
      if (!wt.ok()) return make_error(ErrorCode::kInvalidArgument, "mqtt: mqtt_will_topic: " + wt.error().message());
      if (!wm.ok()) return make_error(ErrorCode::kInvalidArgument, "mqtt: mqtt_will_message: " + wm.error().message());
      auto msg = as_bytes(*wm);
      c.will = Will{*wt, {msg.begin(), msg.end()}, wire_qos(st.mqtt_will_qos), st.mqtt_will_retain};
    }
    return c;
  }

  void fail(const std::string& why) {
    stopped_ = true;
    host_.close_connection(why);
  }
  void stop() { stopped_ = true; }

  void maybe_connected() {
    const bool subscribed = !waiting_suback_ || SS_PLANTED("mqtt-early-connected");
    if (ready_ || stopped_ || !subscribed || birth_id_ != 0) return;
    ready_ = true;
    if (host_.connected() == HostVerdict::kStop) return stop();
    while (!early_.empty()) {
      Publish p = std::move(early_.front());
      early_.pop_front();
      if (deliver(p) == HostVerdict::kStop) return stop();
    }
    if (!session_) return;
    // Publishes an earlier connection sent, settled while we were away.
    for (bool acked : session_->take_owed(host_.stream_id()))
      if (settled(acked) == HostVerdict::kStop) return stop();
    pump();
  }

  HostVerdict deliver(const Publish& p) {
    host_.trace("mqtt.rx", p.topic + " " + std::to_string(p.payload.size()) + (p.dup ? " dup" : ""));
    return host_.rx(p.payload, stream::kFlagSom | stream::kFlagEom);
  }

  HostVerdict settled(bool ok) {
    stream::TxnResult r;
    r.ok = ok;
    r.per_message = true;
    return host_.transaction_complete(r);
  }

  // Gathers the user's chunks SOM..EOM into one message and publishes it.
  void pump() {
    std::array<std::uint8_t, kTxChunk> buf;
    for (int n = 0; ready_ && !stopped_ && session_ && !session_->blocked() && host_.tx_wanted(); ++n) {
      if (n == kChunksPerTurn) return host_.request_tx_turn();
      TxPull p = host_.pull_tx(buf);
      if (p.kind != TxPull::Kind::kData) break;
      if ((p.flags & stream::kFlagSom) && !message_.empty())
        return fail("mqtt: tx SOM while a message is open (" + std::to_string(message_.size()) + " bytes)");
      if (message_.size() + p.len > kMaxMessage)
        return fail("mqtt: a message over " + std::to_string(kMaxMessage) + " bytes");
      message_.insert(message_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(p.len));
      if (!(p.flags & stream::kFlagEom)) continue;
      const auto& st = host_.streamtype();
      auto id = session_->publish(this, topic_, message_, wire_qos(st.mqtt_qos), st.mqtt_retain, /*keep=*/true);
      message_.clear();
      if (!id.ok()) return fail("mqtt: publish to \"" + topic_ + "\": " + id.error().message());
    }
  }

  static constexpr std::size_t kMaxMessage = Options{}.max_packet - 2 - 65535 - 2;

  stream::BindingHost& host_;
  Session* session_ = nullptr;  // the wire's; valid until on_transport_end
  std::string topic_, subscribe_, birth_topic_, birth_message_;
  bool stopped_ = false;
  bool ready_ = false;  // CONNECTED raised
  bool waiting_suback_ = false;
  std::uint16_t birth_id_ = 0;  // the birth's QoS 1 packet id until acked
  std::deque<Publish> early_;
  std::vector<std::uint8_t> message_;  // the user's message being gathered
};

}  // namespace

std::unique_ptr<stream::Binding> make_mqtt_binding(stream::BindingHost& host) {
  return std::make_unique<MqttBinding>(host);
}

void register_mqtt_binding(stream::Context& ctx) {
  ctx.register_binding(policy::Protocol::kMqtt, &make_mqtt_binding);
}

}  // namespace ss::proto::mqtt
