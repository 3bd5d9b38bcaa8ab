// "mqtt": MQTT streams (the stream engine and the mqtt binding, as in
// production) against the simulated broker over the faulty network
// (docs/sim.md, docs/protocols.md "MQTT").
//
// Workload (drawn from the seed, printed by describe()): 1-4 streams, each
// its own streamtype on broker "broker": publishes 0-6 messages of 8 to
// 3000 bytes to its own topic "t/s<i>" (or "t/${dev}" with metadata) at QoS
// 0 or 1, each one SOM..EOM over one or many tx() calls with drawn pauses;
// most subscribe to "t/+" (every stream's topic); nailed_up or not,
// opportunistic or not, a retry policy (backoff table, conceal, sometimes
// validity ping / hang-up) or none, sometimes a birth message, sometimes a
// kept session (mqtt_clean_start false). All the streams share one broker
// connection (docs/protocols.md "MQTT"). In half the seeds with two streams
// or more, streams 1 and 2 come up together on it: stream 1 publishes
// (nothing subscribed) the moment it is CONNECTED, at the CONNACK, in the
// same instant stream 2's SUBSCRIBE goes out behind that PUBLISH; stream 2
// must not say CONNECTED before its SUBACK (it would miss the message: the
// no-loss check below; the planted bug mqtt-early-connected). The broker misbehaves with drawn
// chances: drop a PUBACK (we resend with DUP), deliver twice, close a
// subscriber's connection half way through a packet, and sometimes
// restarts (down 0.2-3 s), keeping its sessions or losing them, and in
// some seeds where every stream's policy has svalidping it hangs for good
// behind the connections it has at a drawn time (MqttBroker::freeze: open
// sockets, nothing read or sent, a dead peer only pings find). Network
// faults come from the usual one-server fault space (a dead endpoint:
// refused, blackholed). A quarter of the seeds run over TLS (real OpenSSL
// made replayable, sim/testing/sim_tls.h).
//
// Invariants:
//   - every state sequence is legal under the transition table, DESTROYING
//     exactly once and last; EngineChecker's retry schedule and return codes;
//   - QoS: QOS_ACK_REMOTE / QOS_NACK_REMOTE only for a QoS 1 stream, and no
//     more of them than QoS 1 messages it sent whole; no more ACKs than
//     distinct messages of that stream the broker took in;
//   - rx: SOM on a message's first piece, EOM on its last; every message a
//     stream receives on one connection, per topic, appears in the broker's
//     log of that topic in the same order (a subsequence; a message equal
//     to the one just before it is a documented QoS 1 duplicate), byte-exact;
//   - no loss: a message the broker took in while a subscriber had been
//     CONNECTED (so subscribed), which stayed CONNECTED for 5 s more and
//     was not destroyed, reached that subscriber;
//   - calm run (no faults, no buggify, a well-behaved broker): every
//     message of every QoS 1 stream is acknowledged, and all the streams
//     rode one broker connection (they overlap in time: each lives 8 s or
//     more and all start in the first 0.5 s);
//   - QoS 1 publishes are never silently lost: a retry-forever nailed-up
//     stream whose connection comes back hears QOS_ACK_REMOTE or
//     QOS_NACK_REMOTE for every QoS 1 message it sent, across broker
//     restarts and dropped connections (the next connection resends what
//     was not acknowledged), once the resend window has passed;
//   - liveness: once the network faults have healed, a non-opportunistic
//     stream with a retry policy that never gives up is CONNECTED within
//     the deadlines + its largest jittered backoff + 1 s, unless destroyed
//     (not asked of a stream with a birth message when the broker drops
//     PUBACKs: every attempt may then run into its protocol deadline);
//   - a hung broker is given up: a stream CONNECTED when the broker froze
//     is DISCONNECTED within twice the longest svalidping + 2 s of the
//     freeze (or of the faults' heal, if later): the PINGREQ goes after
//     svalidping of silence and an unanswered one closes the connection
//     svalidping later (docs/protocols.md "MQTT");
//   - the wire, as the broker read it: no packet it refused; a QoS 1
//     PUBLISH sent again (its packet id, still unacknowledged) on the
//     connection that carried it has DUP set;
//     CONNECT's clean_session is mqtt_clean_start when all streams agree;
//     in a calm run every QoS 1 delivery gets its PUBACK within 1 s;
//   - nothing is left: stream_count() == 0 and no unreclaimed stream.
#include "sim/scenarios/mqtt/mqtt_scenario.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/policy/policy_builder.h"
#include "sim/peers/mqtt_broker.h"
#include "sim/testing/stream_actor.h"
#include "sim/testing/stream_run.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;

constexpr Micros kDeliverySlack = seconds(5);

using Msg = testing::TxMessage;

struct StreamSpec {
  std::vector<Msg> msgs;
  int qos = 0;
  bool subscribe = true;
  bool md_topic = false;  // publish to t/${dev}
  bool birth = false;
  bool keep_session = false;  // mqtt_clean_start false
  bool nailed_up = true;
  bool opportunistic = false;
  bool has_retry = true;
  policy::RetryPolicy retry;
  Micros start_at = 0;
  Micros end_at = 0;
};

std::string topic_of(std::size_t idx) { return "t/s" + std::to_string(idx); }

// Message m of stream i: "s<i>m<m>;" then a pattern, len bytes (>= 8, so
// the whole head for i, m < 10).
std::string message_bytes(std::size_t i, std::size_t m, std::size_t len) {
  const std::string head = "s" + std::to_string(i) + "m" + std::to_string(m) + ";";
  std::string s(len, 'x');
  for (std::size_t k = 0; k < len; ++k) s[k] = k < head.size() ? head[k] : static_cast<char>('a' + (i + m + k) % 26);
  return s;
}

struct Actor : testing::StreamActorBase<StreamSpec> {
  // Connections: [CONNECTED, DISCONNECTED or destroy) in virtual time.
  std::vector<std::pair<Micros, Micros>> up;
  // tx
  std::size_t next_msg = 0, offset = 0;
  Micros ready_at = 0;
  bool kick_pending = false;
  std::size_t sent_qos1 = 0;
  std::vector<Micros> sent_qos1_at;  // when each QoS 1 message went out whole
  // rx: whole messages with the connection they came on
  std::string cur;
  bool cur_open = false;
  std::vector<std::pair<std::string, std::size_t>> received;
  int acks = 0, nacks = 0;

  bool more_to_send() const { return next_msg < spec.msgs.size(); }
  void kick() {
    if (s && connected && more_to_send()) s->request_tx();
  }

  Ret on_state(State st) {
    if (!record_state(st)) return Ret::kOk;
    switch (st) {
      case State::kConnected:
        connected = true;
        up.emplace_back(world->now(), -1);
        cur_open = false;
        kick();
        break;
      case State::kDisconnected:
      case State::kDestroying:
        if (connected) up.back().second = world->now();
        connected = false;
        cur_open = false;
        offset = 0;  // a message cut short goes again, from SOM
        break;
      case State::kQosAckRemote: ++acks; break;
      case State::kQosNackRemote: ++nacks; break;
      default: break;
    }
    return Ret::kOk;
  }

  Ret on_rx(std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (!rx_allowed()) return Ret::kOk;
    if (flags & stream::kFlagSom) {
      if (cur_open) world->violation(name + ": SOM while a message is open");
      cur.clear();
      cur_open = true;
    } else if (!cur_open) {
      world->violation(name + ": a piece without SOM and no message open");
    }
    cur.append(b.begin(), b.end());
    if (flags & stream::kFlagEom) {
      received.emplace_back(std::move(cur), up.size());
      cur.clear();
      cur_open = false;
    }
    return Ret::kOk;
  }

  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (gone || !more_to_send()) return Ret::kTxDontSend;
    if (offset == 0 && world->now() < ready_at) {
      if (!kick_pending) {
        kick_pending = true;
        world->loop().at(ready_at, [this] {
          kick_pending = false;
          kick();
        }, {"stream", ordinal, "ready"});
      }
      return Ret::kTxDontSend;
    }
    const Msg& m = spec.msgs[next_msg];
    if (testing::next_chunk(m.bytes, m.chunk, offset, buf, len, flags)) {
      if (spec.qos == 1) {
        ++sent_qos1;
        sent_qos1_at.push_back(world->now());
      }
      ++next_msg;
      if (more_to_send()) ready_at = world->now() + spec.msgs[next_msg].gap;
    }
    if (more_to_send() && s) s->request_tx();
    return Ret::kOk;
  }

  // Whether the stream was CONNECTED through [from, to].
  bool up_through(Micros from, Micros to) const {
    for (const auto& [a, b] : up)
      if (a <= from && (b < 0 || b >= to)) return true;
    return false;
  }
};

class MqttRun final : public testing::StreamRun<peers::MqttBroker, Actor> {
 public:
  explicit MqttRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x6d717474);  // "mqtt"
    draw_world(seed, draw, 4096);
    const int n = static_cast<int>(draw.between(1, 4));
    for (int i = 0; i < n; ++i) {
      StreamSpec s;
      const int msgs = static_cast<int>(draw.between(0, 6));
      Micros busy = 0;
      for (int m = 0; m < msgs; ++m) {
        Msg msg;
        // Every message at least its head ("s<i>m<m>;"), so every payload
        // of a run is unique: rx carries no topic, and the checks match
        // what came in to what the broker took in by the bytes. (Empty
        // payloads are covered by the binding's tests.)
        const auto len = static_cast<std::size_t>(draw.between(8, 3000));
        msg.bytes = message_bytes(static_cast<std::size_t>(i + 1), static_cast<std::size_t>(m + 1), len);
        msg.chunk = draw.chance(1, 2) ? 1540 : static_cast<std::size_t>(draw.between(16, 1540));
        msg.gap = draw.chance(1, 3) ? 0 : draw.between(0, millis(600));
        busy += msg.gap;
        s.msgs.push_back(std::move(msg));
      }
      s.qos = draw.chance(2, 3) ? 1 : 0;
      s.subscribe = draw.chance(3, 4);
      s.md_topic = draw.chance(1, 3);
      s.birth = draw.chance(1, 4);
      s.nailed_up = draw.chance(3, 4);
      s.opportunistic = draw.chance(1, 5);
      s.has_retry = draw.chance(5, 6);
      s.retry = testing::draw_retry_policy(draw, static_cast<std::size_t>(i), 3);
      s.start_at = draw.between(0, millis(500));
      s.end_at = s.start_at + busy + draw.between(seconds(8), seconds(25));
      specs_.push_back(std::move(s));
    }
    if (draw.chance(1, 3)) broker_.drop_puback_pct = static_cast<int>(draw.between(5, 40));
    if (draw.chance(1, 3)) broker_.duplicate_pct = static_cast<int>(draw.between(5, 40));
    if (draw.chance(1, 4)) broker_.close_mid_packet_pct = static_cast<int>(draw.between(2, 15));
    broker_.seed = draw.next_u64();
    if (draw.chance(1, 4)) {
      restart_at_ = draw.between(seconds(1), seconds(8));
      restart_gap_ = draw.between(millis(200), seconds(3));
      restart_keeps_sessions_ = draw.chance(1, 2);
    }
    for (auto& s : specs_) s.keep_session = draw.chance(1, 4);
    const FaultSpace space = server_fault_space("broker", {Endpoint::tcp("0.0.0.0", 1883)}, {"client"});
    set_plan(draw.chance(1, 3) ? FaultPlan{} : random_fault_plan(draw, space));
    if (restart_at_) healed_at_ = std::max(healed_at_, restart_at_ + restart_gap_);
    tls_ = draw.chance(1, 4);
    if (specs_.size() >= 2 && draw.chance(1, 2)) {
      // A publisher and a subscriber coming up together (file comment).
      StreamSpec& pub = specs_[0];
      StreamSpec& sub = specs_[1];
      if (pub.msgs.empty()) pub.msgs.push_back(Msg{message_bytes(1, 1, 64), 1540, 0});
      pub.msgs[0].gap = 0;
      pub.subscribe = false;
      pub.nailed_up = true;
      sub.subscribe = true;
      sub.nailed_up = true;
      sub.start_at = pub.start_at;
      sub.end_at = std::max(sub.end_at, pub.end_at);
      together_ = true;
    }
    // Drawn from its own fork, so the draws above stay what they were.
    // Only when every stream asks for pings: the session's timers are its
    // opener's, and nothing but a ping finds a peer that says nothing.
    Rng freeze_draw = rng.fork(0x667265657a65);  // "freeze"
    const bool all_ping = std::all_of(specs_.begin(), specs_.end(), [](const StreamSpec& s) {
      return s.has_retry && s.retry.secs_since_valid_ping > 0;
    });
    if (all_ping && freeze_draw.chance(1, 2)) {
      freeze_at_ = freeze_draw.between(seconds(1), seconds(8));
      healed_at_ = std::max(healed_at_, freeze_at_) + freeze_bound();
    }
  }

  void start(World& world) override {
    auto pol = std::make_shared<policy::Policy>();
    start_server(world, {.name = "broker", .ip = "10.5.0.1", .port = 1883, .ca_name = "broker-ca", .what = "broker"},
                 broker_, *pol);
    if (freeze_at_) world.loop().at(freeze_at_, [this] { peer_->freeze(); }, {"broker", 0, "freeze"});
    if (restart_at_) {
      world.loop().at(restart_at_, [this] { peer_->stop(restart_keeps_sessions_); }, {"broker", 0, "stop"});
      world.loop().at(restart_at_ + restart_gap_, [this, &world] {
        if (Error e = peer_->start()) world.violation("broker restart: " + e.message());
      }, {"broker", 0, "restart"});
    }
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& spec = specs_[i];
      Actor& a = add_actor(i, spec);
      if (!spec.msgs.empty()) a.ready_at = spec.start_at + spec.msgs[0].gap;
      policy::Streamtype st = policy::streamtype("mqtt-" + std::to_string(i + 1), policy::Protocol::kMqtt, "broker", 1883);
      st.metadata.push_back({"dev", ""});
      st.mqtt_topic = spec.md_topic ? "t/${dev}" : topic_of(i + 1);
      if (spec.subscribe) st.mqtt_subscribe = "t/+";
      st.mqtt_qos = spec.qos;
      st.mqtt_keep_alive = 60;
      if (spec.birth) {
        st.mqtt_birth_topic = "birth/${dev}";
        st.mqtt_birth_message = "up";
        st.mqtt_birth_qos = 1;
      }
      st.nailed_up = spec.nailed_up;
      st.opportunistic = spec.opportunistic;
      st.mqtt_clean_start = !spec.keep_session;
      testing::add_streamtype(*pol, std::move(st), tls_, spec.has_retry, spec.retry);
    }
    make_context(pol, 0x4d51, proto::mqtt::register_mqtt_binding);
    for (auto& upa : actors_) {
      Actor* a = upa.get();
      testing::schedule_stream_life(world, a, [this, a] { create(a); });
    }
    world.install(plan_);
  }

 private:
  std::string describe_workload() const override {
    std::string out;
    if (freeze_at_) out += "broker freezes at " + std::to_string(freeze_at_) + "us (hangs behind its open connections)\n";
    if (together_) out += "streams 1 and 2 come up together: 1 publishes at CONNECTED, 2 subscribes\n";
    out += std::string("broker (10.5.0.1:1883)") + (tls_ ? " TLS" : "") + ": drop_puback=" + std::to_string(broker_.drop_puback_pct) +
           "% duplicate=" + std::to_string(broker_.duplicate_pct) +
           "% close_mid_packet=" + std::to_string(broker_.close_mid_packet_pct) + "%" +
           (restart_at_ ? " restart@" + std::to_string(restart_at_) + "us for " + std::to_string(restart_gap_) +
                              "us" + (restart_keeps_sessions_ ? " keeping sessions" : " losing sessions")
                        : "") +
           "\nstreams:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& s = specs_[i];
      out += "  stream" + std::to_string(i + 1) + " qos=" + std::to_string(s.qos) +
             (s.subscribe ? " subscribe=t/+" : "") + (s.md_topic ? " topic=t/${dev}" : "") +
             (s.birth ? " birth" : "") + (s.keep_session ? " keep-session" : "") + (s.nailed_up ? " nailed_up" : "") +
             (s.opportunistic ? " opportunistic" : "");
      out += testing::describe_retry(s.has_retry, s.retry);
      out += " start=" + std::to_string(s.start_at) + "us end=" + std::to_string(s.end_at) + "us\n" + testing::describe_messages(s.msgs);
    }
    return out;
  }

  bool calm() const {
    return plan_.actions.empty() && !options_.buggify && broker_.drop_puback_pct == 0 &&
           broker_.close_mid_packet_pct == 0 && restart_at_ == 0 && freeze_at_ == 0;
  }

  void check_stream(World& world, const Actor& a) override {
    const auto& log = peer_->received();
    check_qos(world, a, log);
    check_order(world, a, log);
    check_no_loss(world, a, log);
    check_liveness(world, a);
    check_hung_broker_given_up(world, a);
    check_settled(world, a);
    if (calm() && a.spec.qos == 1 && a.acks != static_cast<int>(a.spec.msgs.size()) && a.nacks == 0 &&
        a.next_msg == a.spec.msgs.size())
      world.violation(a.name + ": calm run, " + std::to_string(a.spec.msgs.size()) + " QoS 1 messages sent, " +
                      std::to_string(a.acks) + " QOS_ACK_REMOTE");
  }

  void check_run(World& world) override {
    if (calm() && peer_->connections() > 1)
      world.violation("calm run, yet the streams made " + std::to_string(peer_->connections()) +
                      " broker connections (they share one)");
    check_wire_flags(world);
    // A calm run: nothing holds a PUBACK back (docs/protocols.md "MQTT").
    if (calm() && peer_->pubacks_missing() > 0)
      world.violation("calm run, yet " + std::to_string(peer_->pubacks_missing()) +
                      " QoS 1 deliveries never got the subscriber's PUBACK within 1 s");
  }

  // What the broker read from our client is well-formed MQTT 3.1.1 with the
  // flags the policy asks for (docs/protocols.md "MQTT"): no packet it
  // refused; a QoS 1 PUBLISH sent again on the connection that carried it
  // has DUP set (§3.3.1.1); CONNECT's clean_session is the streamtype's
  // mqtt_clean_start (judged when every stream has the same one: the
  // session's opener decides).
  void check_wire_flags(World& world) {
    for (const auto& e : peer_->errors()) world.violation("the broker refused what our client sent: " + e);
    const auto& log = peer_->received();
    std::set<std::pair<std::uint64_t, std::uint16_t>> unacked;  // (connection, packet id) whose PUBACK was dropped
    for (const auto& r : log) {
      if (r.will || r.conn == 0 || r.qos != 1) continue;
      const auto key = std::make_pair(r.conn, r.packet_id);
      if (unacked.count(key) && !r.dup)
        world.violation("a QoS 1 PUBLISH of " + r.topic + " (id " + std::to_string(r.packet_id) +
                        ", not acknowledged) came again on connection " + std::to_string(r.conn) + " without DUP");
      if (r.acked) {
        unacked.erase(key);
      } else {
        unacked.insert(key);
      }
    }
    const bool keep = !specs_.empty() && specs_[0].keep_session;
    if (std::any_of(specs_.begin(), specs_.end(), [&](const StreamSpec& s) { return s.keep_session != keep; })) return;
    for (bool clean : peer_->clean_sessions())
      if (clean == keep)
        world.violation(std::string("a CONNECT with clean_session ") + (clean ? "1" : "0") +
                        ", yet every streamtype has mqtt_clean_start " + (keep ? "false" : "true"));
  }

  void create(Actor* a) {
    stream::StreamInfo info = testing::actor_stream_info("mqtt-" + std::to_string(a->ordinal), a);
    info.on_bind = [a](stream::Stream* s) {
      a->s = s;
      // ${dev} names the stream's own topic: t/${dev} is t/s<i>.
      if (Error e = s->set_metadata("dev", "s" + std::to_string(a->ordinal)); !e.ok())
        a->world->violation(a->name + ": set dev: " + e.message());
    };
    if (create_stream(a, std::move(info)) && !a->spec.nailed_up) a->s->request_tx();
  }

  void check_qos(World& world, const Actor& a, const std::vector<peers::MqttReceived>& log) {
    if (a.spec.qos == 0 && (a.acks || a.nacks))
      world.violation(a.name + ": QoS 0 yet " + std::to_string(a.acks + a.nacks) + " ACK/NACK states");
    if (static_cast<std::size_t>(a.acks + a.nacks) > a.sent_qos1)
      world.violation(a.name + ": " + std::to_string(a.acks) + " ACK + " + std::to_string(a.nacks) + " NACK for " +
                      std::to_string(a.sent_qos1) + " QoS 1 messages sent");
    std::vector<std::string> distinct;
    for (const auto& r : log)
      if (r.topic == topic_of(a.ordinal) && !r.will && std::find(distinct.begin(), distinct.end(), r.payload) == distinct.end())
        distinct.push_back(r.payload);
    if (static_cast<std::size_t>(a.acks) > distinct.size())
      world.violation(a.name + ": " + std::to_string(a.acks) + " QOS_ACK_REMOTE but the broker took in only " +
                      std::to_string(distinct.size()) + " distinct messages on " + topic_of(a.ordinal));
  }

  // Per connection and topic, what came in is a subsequence of the broker's
  // log of that topic (consecutive repeats allowed: QoS 1 duplicates).
  void check_order(World& world, const Actor& a, const std::vector<peers::MqttReceived>& log) {
    std::map<std::pair<std::size_t, std::string>, std::size_t> pos;  // (connection, topic) -> next log index
    std::map<std::pair<std::size_t, std::string>, std::string> last;
    for (const auto& [msg, conn] : a.received) {
      const std::string topic = topic_for_payload(msg, log);
      if (topic.empty()) {
        world.violation(a.name + ": received " + std::to_string(msg.size()) + " bytes \"" + msg.substr(0, 16) +
                        "\" the broker never took in");
        continue;
      }
      auto key = std::make_pair(conn, topic);
      if (last.count(key) && last[key] == msg) continue;  // a duplicate delivery
      std::size_t& p = pos[key];
      while (p < log.size() && !(log[p].topic == topic && log[p].payload == msg)) ++p;
      if (p == log.size()) {
        world.violation(a.name + ": on connection " + std::to_string(conn) + " \"" + msg.substr(0, 16) +
                        "\" of " + topic + " came out of the broker's order");
        p = 0;
      } else {
        ++p;
      }
      last[key] = msg;
    }
  }

  static std::string topic_for_payload(const std::string& msg, const std::vector<peers::MqttReceived>& log) {
    for (const auto& r : log)
      if (r.payload == msg && r.topic.rfind("t/", 0) == 0) return r.topic;
    return "";
  }

  void check_no_loss(World& world, const Actor& a, const std::vector<peers::MqttReceived>& log) {
    if (!a.spec.subscribe) return;
    for (const auto& r : log) {
      if (r.topic.rfind("t/", 0) != 0) continue;
      if (freeze_at_ && r.at >= freeze_at_) continue;  // a frozen broker delivers nothing
      if (!a.up_through(r.at - 1, r.at + kDeliverySlack)) continue;
      const bool got = std::any_of(a.received.begin(), a.received.end(),
                                   [&](const auto& m) { return m.first == r.payload; });
      if (!got)
        world.violation(a.name + ": subscribed and CONNECTED from before " + std::to_string(r.at) +
                        " us to 5 s after, yet never got \"" + r.payload.substr(0, 16) + "\" of " + r.topic);
    }
  }

  // How long after the faults heal a stream that never gives up is
  // CONNECTED again (std::nullopt: not promised).
  std::optional<Micros> reconnect_bound(const StreamSpec& s) const {
    if (s.opportunistic || !s.has_retry || s.retry.conceal != policy::RetryPolicy::kConcealForever) return std::nullopt;
    // CONNECTED waits for the birth's PUBACK: a broker that drops PUBACKs
    // can fail any number of attempts in a row (protocol deadline first).
    if (s.birth && broker_.drop_puback_pct > 0) return std::nullopt;
    return std::max(deadlines_.transport, deadlines_.protocol) + testing::largest_jittered_backoff(s.retry) + seconds(1);
  }

  // Every QoS 1 message sent gets its ACK or NACK once the connection is
  // back (its CONNACK resends what was waiting) and, when the broker drops
  // PUBACKs, the resend window (the original and three resends 3 s apart,
  // then 3 s: docs/protocols.md "MQTT") has passed. Not asked when the
  // broker keeps cutting connections (each new one restarts the window).
  void check_settled(World& world, const Actor& a) {
    const auto& s = a.spec;
    const auto bound = reconnect_bound(s);
    if (s.qos != 1 || !s.nailed_up || !bound || broker_.close_mid_packet_pct > 0) return;
    const Micros window = broker_.drop_puback_pct > 0 ? 4 * seconds(3) + seconds(1) : seconds(1);
    std::size_t due = 0;
    for (Micros t : a.sent_qos1_at) due += std::max(t, healed_at_) + *bound + window < s.end_at;
    if (static_cast<std::size_t>(a.acks + a.nacks) < due)
      world.violation(a.name + ": " + std::to_string(due) + " QoS 1 messages sent long enough before the end, yet " +
                      std::to_string(a.acks) + " ACK + " + std::to_string(a.nacks) + " NACK (a publish lost)");
  }

  // Twice the longest svalidping (the PINGREQ, then its deadline) and 2 s
  // for bytes still on their way when the broker froze.
  Micros freeze_bound() const {
    Micros longest = 0;
    for (const auto& s : specs_) longest = std::max(longest, seconds(s.retry.secs_since_valid_ping));
    return 2 * longest + seconds(2);
  }

  void check_hung_broker_given_up(World& world, const Actor& a) {
    if (!freeze_at_) return;
    // An up interval that holds the freeze is the frozen connection.
    const Micros until = healed_at_;  // max(freeze, faults healed) + freeze_bound()
    if (a.up_through(freeze_at_, until))
      world.violation(a.name + ": still CONNECTED at " + std::to_string(until) + " us on the connection of a broker hung at " +
                      std::to_string(freeze_at_) + " us (svalidping, an unanswered PINGREQ must close it)");
  }

  void check_liveness(World& world, const Actor& a) {
    const auto& s = a.spec;
    if (!s.nailed_up && s.msgs.empty()) return;
    const auto maybe_bound = reconnect_bound(s);
    if (!maybe_bound) return;
    const Micros bound = *maybe_bound;
    const Micros from = std::max(healed_at_, s.start_at);
    if (from + bound >= s.end_at) return;
    bool ok = a.up_through(from, from);
    for (const auto& [t, st] : a.states) ok |= st == State::kConnected && t >= from && t <= from + bound;
    if (!ok)
      world.violation(a.name + ": not CONNECTED within " + std::to_string(bound / 1000) + " ms after " +
                      std::to_string(from) + " us (faults healed, retry forever)");
  }

  std::vector<StreamSpec> specs_;
  peers::MqttBrokerOptions broker_;
  Micros restart_at_ = 0, restart_gap_ = 0;  // a broker restart (0: none)
  Micros freeze_at_ = 0;                      // the broker hangs (0: never)
  bool restart_keeps_sessions_ = false;
  bool together_ = false;  // streams 1 and 2 come up together (file comment)
};

}  // namespace

std::unique_ptr<Scenario> make_mqtt_scenario() {
  return std::make_unique<SimpleScenario<MqttRun>>(
      "mqtt", "MQTT streams (publish QoS 0/1, subscribe, birth, ${md} topics) vs a misbehaving simulated broker");
}

void register_mqtt_scenarios(ScenarioRegistry& registry) { registry.add(make_mqtt_scenario()); }

}  // namespace ss::sim
