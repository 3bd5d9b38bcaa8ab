#include "runtime/bind/mqtt/mqtt_binding.h"

#include <algorithm>
#include <array>
#include <deque>

#include "runtime/core/planted.h"
#include "runtime/proto/mqtt/mqtt_client.h"
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

class MqttBinding final : public stream::Binding {
 public:
  explicit MqttBinding(stream::BindingHost& host) : host_(host) {}
  ~MqttBinding() override { cancel_timer(); }

  const char* name() const override { return "mqtt"; }
  std::vector<std::string> alpn() const override { return {"mqtt"}; }

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
    auto conn = connect_packet();
    if (!conn.ok()) return fail(conn.error().message());
    if (Error e = client_.connect(*conn); !e.ok()) return fail(e.message());
    last_valid_ = host_.loop().now();
    flush();
    rearm();
  }

  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    client_.receive_data(bytes);
    process();
  }

  void on_transport_writable() override {
    blocked_ = false;
    pump();
  }

  void on_tx_requested() override { pump(); }

  EndInfo on_transport_end(EndReason reason) override {
    // We are closing: say so, so the broker drops our will (MQTT 3.1.1 §3.14).
    if (reason == EndReason::kClosedLocally && client_.connack_received() && !client_.dead() && !stopped_) {
      if (client_.disconnect().ok()) write(client_.take_output());
    }
    stopped_ = true;
    cancel_timer();
    return EndInfo{};
  }

 private:
  Result<Connect> connect_packet() {
    const auto& st = host_.streamtype();
    Connect c;
    if (auto id = host_.system_blob(stream::BlobType::kMqttClientId); id && !id->empty()) {
      c.client_id = std::string(*id);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      c.client_id = "ss-";
      std::uint64_t r = host_.rng().next_u64();
      for (int i = 0; i < 16; ++i, r >>= 4) c.client_id += kHex[r & 0xF];
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
    cancel_timer();
    host_.close_connection(why);
  }
  void stop() {
    stopped_ = true;
    cancel_timer();
  }

  void write(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    last_sent_ = host_.loop().now();
    if (!host_.write(bytes)) blocked_ = true;
  }
  void flush() { write(client_.take_output()); }

  // After CONNACK: subscribe and send the birth message.
  void start_session() {
    const auto& st = host_.streamtype();
    if (!subscribe_.empty()) {
      auto id = client_.subscribe(subscribe_, wire_qos(st.mqtt_qos));
      if (!id.ok()) return fail("mqtt: subscribe to \"" + subscribe_ + "\": " + id.error().message());
      waiting_suback_ = true;
    }
    if (!birth_topic_.empty()) {
      auto id = client_.publish(birth_topic_, as_bytes(birth_message_), wire_qos(st.mqtt_birth_qos),
                                st.mqtt_birth_retain, host_.loop().now());
      if (!id.ok()) return fail("mqtt: birth message: " + id.error().message());
      birth_id_ = *id;  // 0: QoS 0, nothing to wait for
    }
    maybe_connected();
  }

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

  void process() {
    while (!stopped_) {
      auto ev = client_.next_event();
      if (!ev) break;
      if (!std::holds_alternative<ErrorEvent>(*ev) && !std::holds_alternative<ClosedEvent>(*ev))
        last_valid_ = host_.loop().now();
      if (auto* c = std::get_if<ConnackEvent>(&*ev)) {
        // A refusal (return code 1..5) is followed by the core's ErrorEvent.
        host_.trace("mqtt.connack", std::to_string(c->connack.return_code));
        if (c->connack.return_code == 0) start_session();
      } else if (auto* m = std::get_if<MessageEvent>(&*ev)) {
        if (!ready_) {
          if (early_.size() == kMaxEarlyMessages)
            return fail("mqtt: over " + std::to_string(kMaxEarlyMessages) + " messages before CONNECTED");
          early_.push_back(std::move(m->publish));
        } else if (deliver(m->publish) == HostVerdict::kStop) {
          return stop();
        }
      } else if (auto* a = std::get_if<PubackEvent>(&*ev)) {
        if (a->packet_id == birth_id_) {
          birth_id_ = 0;
          maybe_connected();
        } else if (settled(true) == HostVerdict::kStop) {
          return stop();
        }
      } else if (auto* f = std::get_if<PublishFailedEvent>(&*ev)) {
        if (f->packet_id == birth_id_) return fail("mqtt: the birth message was never acknowledged");
        if (settled(false) == HostVerdict::kStop) return stop();
      } else if (auto* s = std::get_if<SubackEvent>(&*ev)) {
        if (s->suback.return_codes.front() == kSubackFailure)
          return fail("mqtt: the broker refused the subscription to \"" + subscribe_ + "\"");
        waiting_suback_ = false;
        maybe_connected();
      } else if (auto* err = std::get_if<ErrorEvent>(&*ev)) {
        flush();
        return fail(err->message);
      } else if (std::holds_alternative<ClosedEvent>(*ev)) {
        break;  // the transport's end follows
      }
    }
    if (stopped_) return;
    flush();
    rearm();
  }

  // Gathers the user's chunks SOM..EOM into one message and publishes it.
  void pump() {
    std::array<std::uint8_t, kTxChunk> buf;
    for (int n = 0; ready_ && !stopped_ && !blocked_ && host_.tx_wanted(); ++n) {
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
      auto id = client_.publish(topic_, message_, wire_qos(st.mqtt_qos), st.mqtt_retain, host_.loop().now());
      message_.clear();
      if (!id.ok()) return fail("mqtt: publish to \"" + topic_ + "\": " + id.error().message());
      flush();
    }
    if (!stopped_) rearm();
  }

  // --- one timer: QoS 1 resends, svalidping/svalidhup, keep-alive ---------
  std::optional<Micros> due() const {
    std::optional<Micros> at = client_.next_deadline();
    auto consider = [&](Micros t) {
      if (!at || t < *at) at = t;
    };
    const auto* rp = host_.policy().retry_of(host_.streamtype());
    // A PINGREQ may only follow the CONNACK: before it, waiting for the
    // ping time would wake us again and again at an instant already past.
    if (rp && rp->secs_since_valid_ping && last_ping_ <= last_valid_ && client_.connack_received())
      consider(last_valid_ + seconds(rp->secs_since_valid_ping));
    if (rp && rp->secs_since_valid_hangup) consider(last_valid_ + seconds(rp->secs_since_valid_hangup));
    if (const auto ka = host_.streamtype().mqtt_keep_alive; ka && client_.connack_received())
      consider(last_sent_ + seconds(ka));
    return at;
  }

  void rearm() {
    cancel_timer();
    if (stopped_) return;
    if (auto at = due()) timer_ = host_.loop().at(*at, [this] { on_timer(); }, {"mqtt", host_.stream_id(), "timer"});
  }

  void cancel_timer() {
    if (timer_) host_.loop().cancel(timer_);
    timer_ = {};
  }

  void on_timer() {
    timer_ = {};
    if (stopped_) return;
    const Micros now = host_.loop().now();
    const auto* rp = host_.policy().retry_of(host_.streamtype());
    const Micros idle = now - last_valid_;
    if (rp && rp->secs_since_valid_hangup && idle >= seconds(rp->secs_since_valid_hangup))
      return fail("mqtt: nothing from the broker for " + std::to_string(idle / kMicrosPerSecond) + " s");
    bool ping = rp && rp->secs_since_valid_ping && idle >= seconds(rp->secs_since_valid_ping) &&
                last_ping_ <= last_valid_;
    const auto ka = host_.streamtype().mqtt_keep_alive;
    if (ka && client_.connack_received() && now - last_sent_ >= seconds(ka)) ping = true;
    if (ping && client_.connack_received() && client_.ping().ok()) last_ping_ = now;
    client_.handle_timeout(now);
    process();  // PublishFailed events; flushes and re-arms
  }

  static constexpr std::size_t kMaxMessage = Options{}.max_packet - 2 - 65535 - 2;

  stream::BindingHost& host_;
  Client client_;
  std::string topic_, subscribe_, birth_topic_, birth_message_;
  bool blocked_ = false;
  bool stopped_ = false;
  bool ready_ = false;  // CONNECTED raised
  bool waiting_suback_ = false;
  std::uint16_t birth_id_ = 0;  // the birth's QoS 1 packet id until acked
  std::deque<Publish> early_;
  std::vector<std::uint8_t> message_;  // the user's message being gathered
  TimerId timer_{};
  Micros last_valid_ = 0;
  Micros last_sent_ = 0;
  Micros last_ping_ = -1;
};

}  // namespace

std::unique_ptr<stream::Binding> make_mqtt_binding(stream::BindingHost& host) {
  return std::make_unique<MqttBinding>(host);
}

void register_mqtt_binding(stream::Context& ctx) {
  ctx.register_binding(policy::Protocol::kMqtt, &make_mqtt_binding);
}

}  // namespace ss::proto::mqtt
